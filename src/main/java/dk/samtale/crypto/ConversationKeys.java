package dk.samtale.crypto;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;

/**
 * Each conversation's own data key: made when the conversation is opened, kept in the {@link KeyVault}
 * wrapped by the tenant's active data key, and destroyed when the conversation is deleted, which makes what
 * it sealed (messages, subject, corrections, files, notes, journal payloads) unreadable in every copy of the
 * main database, backups included.
 *
 * <p>
 * Unwrapped keys stay in a bounded cache ({@code samtale.crypto.conversation-keys.*}), so writing and
 * reading a conversation costs no round trip to the vault once its key is here; a miss costs one, for all
 * the conversations asked for at once. A cached key is used only while the tenant key that wrapped it is
 * alive here, so shredding a tenant reaches other replicas as fast as the tenant's keys do (30 s).
 */
@ApplicationScoped
public class ConversationKeys {

    private static final Logger LOG = Logger.getLogger(ConversationKeys.class);

    /** An unwrapped key, and what it belongs to and was wrapped by. */
    private record Held(UUID tenant, int tenantKey, byte[] key) {
    }

    private final KeyRing ring;
    private final KeyVault vault;
    private final MessageCipher cipher;
    private final Cache<UUID, Held> cache;

    ConversationKeys(KeyRing ring, KeyVault vault, MessageCipher cipher, CryptoConfig config) {
        this.ring = ring;
        this.vault = vault;
        this.cipher = cipher;
        this.cache = Caffeine.newBuilder().maximumSize(config.conversationKeys().cacheSize())
                .expireAfterAccess(config.conversationKeys().cacheIdle()).build();
    }

    /** The tenant's keys with this conversation's, for reading it and writing into it. */
    public Uni<TenantKeys> of(UUID tenantId, UUID conversationId) {
        return of(tenantId, List.of(conversationId));
    }

    /**
     * The tenant's keys with these conversations' keys. A conversation without one (opened before
     * conversations had keys, or deleted) seals under the tenant key and opens what it sealed; what its own
     * key sealed reads as destroyed.
     */
    public Uni<TenantKeys> of(UUID tenantId, Collection<UUID> conversationIds) {
        return ring.tenant(tenantId).flatMap(k -> {
            Map<UUID, byte[]> keys = new HashMap<>();
            List<UUID> missing = new ArrayList<>();
            for (UUID id : conversationIds) {
                Held held = cache.getIfPresent(id);
                if (held != null && held.tenant().equals(tenantId) && k.has(held.tenantKey())) {
                    keys.put(id, held.key());
                } else {
                    keys.put(id, null);
                    missing.add(id);
                }
            }
            if (missing.isEmpty()) {
                return Uni.createFrom().item(k.with(keys));
            }
            return vault.find(tenantId, missing).map(found -> {
                found.values().forEach(w -> keys.put(w.conversationId(), unwrap(tenantId, k, w)));
                return k.with(keys);
            });
        });
    }

    /**
     * Makes the key of a conversation about to be opened (or of one opened before conversations had keys)
     * and keeps it in the vault before anything is sealed under it; a conversation that has a key keeps it.
     */
    public Uni<TenantKeys> create(UUID tenantId, UUID conversationId) {
        return ring.tenant(tenantId).flatMap(k -> {
            byte[] key = cipher.newKey();
            return vault.keep(tenantId, wrap(tenantId, k, conversationId, key))
                    .map(kept -> k.with(Map.of(conversationId, unwrap(tenantId, k, kept))));
        });
    }

    /** Keys for these conversations, made for those that have none (re-sealing older conversations). */
    public Uni<TenantKeys> creatingMissing(UUID tenantId, Collection<UUID> conversationIds) {
        return of(tenantId, conversationIds).flatMap(k -> {
            List<UUID> without = conversationIds.stream().filter(id -> !k.hasConversationKey(id)).distinct().toList();
            if (without.isEmpty()) {
                return Uni.createFrom().item(k);
            }
            return Uni.join().all(without.stream().map(id -> create(tenantId, id)).toList()).andFailFast()
                    .flatMap(x -> of(tenantId, conversationIds));
        });
    }

    /** Destroys these conversations' keys, in the vault and here; returns how many the vault had. */
    Uni<Integer> destroy(UUID tenantId, Collection<UUID> conversationIds) {
        return vault.destroy(tenantId, conversationIds).invoke(n -> cache.invalidateAll(conversationIds));
    }

    /**
     * Re-wraps the tenant's conversation keys under its active data key (after a rotation), in batches;
     * returns how many. The conversations' values stay as they are: only the keys' wrapping changes.
     */
    Uni<Integer> rewrap(UUID tenantId, int batchSize) {
        return ring.tenant(tenantId).flatMap(k -> vault.wrappedByOtherThan(tenantId, k.activeKeyId(), batchSize)
                .flatMap(keys -> {
                    List<KeyVault.WrappedKey> rewrapped = new ArrayList<>();
                    for (KeyVault.WrappedKey w : keys) {
                        byte[] key = unwrap(tenantId, k, w);
                        if (key != null) {
                            rewrapped.add(wrap(tenantId, k, w.conversationId(), key));
                        }
                    }
                    cache.invalidateAll(keys.stream().map(KeyVault.WrappedKey::conversationId).toList());
                    Uni<Integer> done = vault.rewrapped(tenantId, rewrapped).replaceWith(rewrapped.size());
                    // a full batch may have more behind it; a key that cannot be unwrapped is left where it is
                    return keys.size() < batchSize || rewrapped.isEmpty()
                            ? done
                            : done.flatMap(n -> rewrap(tenantId, batchSize).map(more -> n + more));
                }));
    }

    /** A tenant's keys were shredded: its conversation keys go too. */
    void onShredded(@Observes KeysShredded shredded) {
        cache.asMap().values().removeIf(h -> h.tenant().equals(shredded.tenantId()));
        vault.destroyAll(shredded.tenantId()).subscribe().with(
                n -> LOG.warnf("Tenant %s: %d conversation keys destroyed (crypto-shredding)", shredded.tenantId(), n),
                e -> LOG.errorf("Tenant %s: conversation keys not destroyed (%s); they are unreadable without the "
                        + "tenant's keys, destroy them again with a new shred", shredded.tenantId(),
                        e.getClass().getSimpleName()));
    }

    private KeyVault.WrappedKey wrap(UUID tenantId, TenantKeys k, UUID conversationId, byte[] key) {
        return new KeyVault.WrappedKey(conversationId, k.activeKeyId(),
                k.sealBytes(Binding.conversationKey(tenantId, conversationId), key));
    }

    /** The unwrapped key, now also in the cache; null if the tenant key that wrapped it was destroyed. */
    private byte[] unwrap(UUID tenantId, TenantKeys k, KeyVault.WrappedKey w) {
        try {
            byte[] key = k.openBytes(Binding.conversationKey(tenantId, w.conversationId()), w.wrapped());
            cache.put(w.conversationId(), new Held(tenantId, w.tenantKey(), key));
            return key;
        } catch (Unreadable e) {
            return null;
        }
    }
}
