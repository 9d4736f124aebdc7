package dk.samtale.conversation;

import java.time.Instant;
import java.util.UUID;

import dk.samtale.identity.Actor;

/**
 * A stored message. {@code seq} is gap-free and strictly increasing within its conversation. When the
 * stored body cannot be decrypted, {@code body} is null and {@code bodyError} says why
 * ({@code integrity-error}, {@code key-destroyed}); the message is still listed.
 */
public record Message(UUID id, UUID conversationId, long seq, Actor sender, String clientMessageId, String body,
        String bodyError, Channel channel, Instant createdAt) {

    public enum Channel {
        app, web, sms
    }

    public Ack ack() {
        return new Ack(clientMessageId, id, conversationId, seq, createdAt);
    }

    @Override
    public String toString() {
        // never the body
        return "Message[" + conversationId + "#" + seq + "]";
    }
}
