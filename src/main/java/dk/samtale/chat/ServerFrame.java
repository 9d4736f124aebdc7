package dk.samtale.chat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import dk.samtale.conversation.Ack;
import dk.samtale.conversation.ConversationView;
import dk.samtale.conversation.Message;
import dk.samtale.identity.Actor;

/** Frames the server sends, exactly as documented in openapi/asyncapi.yaml (tests hold them to it). */
sealed interface ServerFrame {

    String type();

    record Limits(int maxBodyChars, int maxFrameBytes, int framesPerSecond) {
    }

    record Hello(String type, String connectionId, Actor actor, Limits limits) implements ServerFrame {
        Hello(String connectionId, Actor actor, Limits limits) {
            this("hello", connectionId, actor, limits);
        }
    }

    record AckFrame(String type, String ref, String clientMessageId, UUID messageId, UUID conversationId, long seq,
            Instant createdAt) implements ServerFrame {
        AckFrame(String ref, Ack a) {
            this("ack", ref, a.clientMessageId(), a.messageId(), a.conversationId(), a.seq(), a.createdAt());
        }
    }

    record MessageFrame(String type, Message message) implements ServerFrame {
        MessageFrame(Message message) {
            this("message", message);
        }
    }

    /** type is "read" or "delivered". */
    record Receipt(String type, UUID conversationId, Actor reader, long seq) implements ServerFrame {
    }

    record TypingNotice(String type, UUID conversationId, Actor sender) implements ServerFrame {
        TypingNotice(UUID conversationId, Actor sender) {
            this("typing", conversationId, sender);
        }
    }

    record ConversationFrame(String type, ConversationView conversation) implements ServerFrame {
        ConversationFrame(ConversationView conversation) {
            this("conversation", conversation);
        }
    }

    record Synced(String type, String ref, List<Cursor> conversations) implements ServerFrame {
        record Cursor(UUID conversationId, long lastSeq, boolean complete) {
        }

        Synced(String ref, List<Cursor> conversations) {
            this("synced", ref, conversations);
        }
    }

    record Pong(String type, String ref) implements ServerFrame {
        Pong(String ref) {
            this("pong", ref);
        }
    }

    /**
     * A feature's own event (sms-state, journal-state, note, …): {@code type} first, then its fields; the
     * schemas of these frames are in openapi/asyncapi.yaml like every other frame's.
     */
    record FeatureFrame(@com.fasterxml.jackson.annotation.JsonValue Map<String, Object> body) implements ServerFrame {
        @Override
        public String type() {
            return (String) body.get("type");
        }
    }

    /** A feature frame answering one client frame: {@code type}, {@code ref}, {@code conversationId}, fields. */
    static FeatureFrame feature(String type, String ref, UUID conversationId, Map<String, Object> fields) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("type", type);
        body.put("ref", ref);
        body.put("conversationId", conversationId);
        body.putAll(fields);
        return new FeatureFrame(body);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(String type, @JsonInclude(JsonInclude.Include.ALWAYS) String ref, String code, String message,
            UUID conversationId, Integer retryAfterSeconds) implements ServerFrame {
        Error(String ref, String code, String message, UUID conversationId, Integer retryAfterSeconds) {
            this("error", ref, code, message, conversationId, retryAfterSeconds);
        }
    }
}
