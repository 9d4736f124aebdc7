package dk.samtale.conversation;

import java.time.Instant;
import java.util.UUID;

/** Sent to the sender only after the message is committed; the same ack answers every retry. */
public record Ack(String clientMessageId, UUID messageId, UUID conversationId, long seq, Instant createdAt) {
}
