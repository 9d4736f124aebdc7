package dk.samtale.identity;

import java.util.UUID;

/**
 * Who did something in a conversation, as clients see it. {@code name} may be null (receipts and
 * typing notices carry no names).
 */
public record Actor(ActorKind kind, UUID id, String name) {

    public enum ActorKind {
        citizen, staff, system
    }

    public Actor withoutName() {
        return new Actor(kind, id, null);
    }

    @Override
    public String toString() {
        return "Actor[" + kind + " " + id + "]";
    }
}
