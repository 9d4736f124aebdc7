package dk.samtale.conversation;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/** Loads committed messages by id, for replicas that learn of them from a notification, and for features that show what a message carries. */
@ApplicationScoped
public class MessageLookup {

    private final MessageStore store;

    MessageLookup(MessageStore store) {
        this.store = store;
    }

    public Uni<List<Message>> byIds(Collection<UUID> ids) {
        return store.byIds(ids);
    }

    /**
     * Whether the sender took this message back: what it carried (its files) is then gone for the
     * conversation's parties too, and stays only in the case file.
     */
    public Uni<Boolean> retracted(UUID messageId) {
        return store.retracted(messageId);
    }
}
