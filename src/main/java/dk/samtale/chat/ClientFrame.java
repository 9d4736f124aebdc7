package dk.samtale.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;

/**
 * Frames a client sends, as documented in openapi/asyncapi.yaml. Parsing is strict about types and
 * names the offending field, so a client author gets a precise error frame.
 */
sealed interface ClientFrame {

    int MAX_RESUME = 100;

    /** The client's frame id, echoed as {@code ref}; may be null. */
    String id();

    /**
     * {@code smsAllowed}: optional, staff only (the message is not sensitive and may go by SMS).
     * {@code attachmentIds}: optional, files uploaded to the conversation before (upload-then-send).
     */
    record Send(String id, UUID conversationId, String clientMessageId, String body, boolean smsAllowed,
            List<UUID> attachmentIds)
            implements
                ClientFrame {
    }

    record Read(String id, UUID conversationId, long seq) implements ClientFrame {
    }

    record Delivered(String id, UUID conversationId, long seq) implements ClientFrame {
    }

    record Typing(String id, UUID conversationId) implements ClientFrame {
    }

    record Resume(String id, List<Cursor> conversations) implements ClientFrame {
        record Cursor(UUID conversationId, long afterSeq) {
        }
    }

    record Ping(String id) implements ClientFrame {
    }

    /** The sender takes a message back (while unread, within the window). */
    record Retract(String id, UUID conversationId, UUID messageId) implements ClientFrame {
    }

    /** Staff correct their own message (berigtigelse): the new text and why. */
    record Correct(String id, UUID conversationId, UUID messageId, String body, String reason) implements ClientFrame {
        @Override
        public String toString() {
            return "Correct[" + id + "]"; // never the text
        }
    }

    /** Thrown for a frame that cannot be parsed; carries the frame's id when it could be read. */
    final class Invalid extends RuntimeException {
        final String ref;
        final ProblemException problem;

        Invalid(String ref, ProblemException problem) {
            super(problem.getMessage(), null, false, false);
            this.ref = ref;
            this.problem = problem;
        }
    }

    static ClientFrame parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new Invalid(null, new ProblemException(ErrorCode.MALFORMED_JSON, "A frame is one JSON object"));
        }
        JsonNode idNode = node.get("id");
        String id = idOf(node);
        try {
            if (idNode != null && !idNode.isNull() && id == null) {
                throw ProblemException.invalid("id", "must be a string of at most 64 characters");
            }
            JsonNode type = node.get("type");
            if (type == null || !type.isTextual()) {
                throw ProblemException.invalid("type", "is required");
            }
            return switch (type.asText()) {
                case "send" -> new Send(id, uuid(node, "conversationId"), text(node, "clientMessageId"),
                        body(node), optionalBoolean(node, "smsAllowed"), uuids(node, "attachmentIds"));
                case "read" -> new Read(id, uuid(node, "conversationId"), seq(node, "seq"));
                case "delivered" -> new Delivered(id, uuid(node, "conversationId"), seq(node, "seq"));
                case "typing" -> new Typing(id, uuid(node, "conversationId"));
                case "resume" -> new Resume(id, cursors(node));
                case "ping" -> new Ping(id);
                case "retract" -> new Retract(id, uuid(node, "conversationId"), uuid(node, "messageId"));
                case "correct" -> new Correct(id, uuid(node, "conversationId"), uuid(node, "messageId"),
                        text(node, "body"), text(node, "reason"));
                default -> throw new ProblemException(ErrorCode.UNKNOWN_FRAME_TYPE,
                        "Unknown frame type; see asyncapi.yaml for the frames this server accepts");
            };
        } catch (ProblemException e) {
            throw new Invalid(id, e);
        }
    }

    /** The frame's id when it is a readable one (a string of at most 64 characters), else null. */
    static String idOf(JsonNode node) {
        JsonNode idNode = node == null ? null : node.get("id");
        return idNode != null && idNode.isTextual() && idNode.asText().length() <= 64 ? idNode.asText() : null;
    }

    private static List<Resume.Cursor> cursors(JsonNode node) {
        JsonNode list = node.get("conversations");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > MAX_RESUME) {
            throw ProblemException.invalid("conversations", "must be a list of 1 to " + MAX_RESUME + " cursors");
        }
        List<Resume.Cursor> cursors = new ArrayList<>(list.size());
        for (JsonNode c : list) {
            if (!c.isObject()) {
                throw ProblemException.invalid("conversations", "each entry is {conversationId, afterSeq}");
            }
            cursors.add(new Resume.Cursor(uuid(c, "conversationId"), seq(c, "afterSeq")));
        }
        return cursors;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw ProblemException.invalid(field, "must be a string");
        }
        return v.asText();
    }

    /**
     * A missing or null body is an empty message ({@code body-empty}, as on REST); a body that is not a
     * string is a field of the wrong type ({@code invalid-field}).
     */
    private static String body(JsonNode node) {
        JsonNode v = node.get("body");
        return v == null || v.isNull() ? null : text(node, "body");
    }

    /** Absent or null: an empty list. */
    private static List<UUID> uuids(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray() || v.size() > 100) {
            throw ProblemException.invalid(field, "must be a list of attachment ids");
        }
        List<UUID> ids = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw ProblemException.invalid(field, "must be a list of attachment ids");
            }
            try {
                ids.add(UUID.fromString(e.asText()));
            } catch (IllegalArgumentException ex) {
                throw ProblemException.invalid(field, "must be a list of attachment ids");
            }
        }
        return ids;
    }

    private static boolean optionalBoolean(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ProblemException.invalid(field, "must be true or false");
        }
        return v.asBoolean();
    }

    private static UUID uuid(JsonNode node, String field) {
        String s = text(node, field);
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(field, "must be a UUID");
        }
    }

    private static long seq(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
            throw ProblemException.invalid(field, "must be an integer of 0 or more");
        }
        return v.asLong();
    }
}
