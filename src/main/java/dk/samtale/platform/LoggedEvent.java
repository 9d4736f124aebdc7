package dk.samtale.platform;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One committed event of a conversation's log, as its consumers see it. {@code kind} names what happened
 * ({@code message}; later closed, reopened, transferred, case-set, attachment-added, message-retracted …);
 * {@code messageId} and {@code seq} are set for events about one message; {@code detail} holds what the
 * kind carries beyond that (for a message: {@code channelPolicy}, {@code smsAllowed}), never text.
 * {@code unitId} and {@code citizenId} are the conversation's route when the event was written.
 */
public record LoggedEvent(long id, UUID tenantId, UUID conversationId, UUID unitId, UUID citizenId, String kind,
        UUID messageId, Long seq, String actorKind, UUID actorId, Instant createdAt, JsonNode detail) {

    /** The kind of event the message path writes for every message. */
    public static final String MESSAGE = "message";

    public boolean isMessage() {
        return MESSAGE.equals(kind);
    }

    /** A text field of {@code detail}, or null. */
    public String detailText(String field) {
        JsonNode n = detail == null ? null : detail.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** A boolean field of {@code detail} (false when missing). */
    public boolean detailFlag(String field) {
        JsonNode n = detail == null ? null : detail.get(field);
        return n != null && n.asBoolean(false);
    }
}
