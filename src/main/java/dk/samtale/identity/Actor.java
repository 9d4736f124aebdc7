package dk.samtale.identity;

import java.util.UUID;

/**
 * Who did something in a conversation, as clients see it. {@code name} may be null (a system actor, a
 * token without a name, or a citizen in a receipt or typing notice).
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
