package dk.samtale.conversation;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Where each message stands in the case journal, for staff views: {@code pending} (committed, not yet
 * in the chain), {@code journaled} (an entry exists), {@code acknowledged} (the case system confirmed
 * it: pull ack or push delivery). Implemented by the journal feature.
 */
public interface JournalStates {

    /** The state of each of these messages of the tenant; a message without an entry is pending. */
    Uni<Map<UUID, String>> of(UUID tenantId, Collection<UUID> messageIds);
}
