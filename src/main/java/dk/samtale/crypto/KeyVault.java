package dk.samtale.crypto;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Where each conversation's data key is kept, wrapped by its tenant's data key: a store outside the main
 * database and its backups, so that destroying a key reaches every backup of the main database (which
 * holds only what the key sealed). Adapters: a PostgreSQL database of its own ({@code postgres}); a KMS
 * would do as well.
 */
public interface KeyVault {

    /** One conversation's key as kept: wrapped by the tenant data key {@code tenantKey}. */
    record WrappedKey(UUID conversationId, int tenantKey, byte[] wrapped) {
    }

    /** The keys of those of these conversations (of this tenant) that have one. */
    Uni<Map<UUID, WrappedKey>> find(UUID tenantId, Collection<UUID> conversationIds);

    /**
     * Keeps a new conversation's key unless it already has one (another replica was first), and returns the
     * key the conversation has now.
     */
    Uni<WrappedKey> keep(UUID tenantId, WrappedKey key);

    /** Destroys these conversations' keys for good; returns how many there were. */
    Uni<Integer> destroy(UUID tenantId, Collection<UUID> conversationIds);

    /** Destroys every conversation key of the tenant (crypto-shredding of the whole tenant). */
    Uni<Integer> destroyAll(UUID tenantId);

    /** Up to {@code limit} of the tenant's keys wrapped by another tenant key than {@code tenantKey}. */
    Uni<List<WrappedKey>> wrappedByOtherThan(UUID tenantId, int tenantKey, int limit);

    /** Replaces these keys' wrapping (same key, wrapped anew); a key destroyed meanwhile stays destroyed. */
    Uni<Void> rewrapped(UUID tenantId, List<WrappedKey> keys);
}
