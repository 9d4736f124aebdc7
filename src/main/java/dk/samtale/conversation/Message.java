package dk.samtale.conversation;

import java.time.Instant;
import java.util.UUID;

import dk.samtale.identity.Actor;

/** A stored message. {@code seq} is gap-free and strictly increasing within its conversation. */
public record Message(UUID id, UUID conversationId, long seq, Actor sender, String clientMessageId, String body,
        Channel channel, Instant createdAt) {

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
