package dk.samtale.identity;

import java.util.UUID;

/**
 * Who did something in a conversation, as clients see it. {@code name} may be null (a system actor, or a
 * token without a name).
 */
public record Actor(ActorKind kind, UUID id, String name) {

    public enum ActorKind {
        citizen, staff, system
    }

    @Override
    public String toString() {
        return "Actor[" + kind + " " + id + "]";
    }
}
