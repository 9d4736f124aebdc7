package dk.samtale.journal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;

/**
 * The keys that open a tenant's stored journal payloads, for one request on a worker thread: each payload is
 * sealed under its conversation's key, so a deleted conversation's payloads (redacted here, but still in an
 * old backup) die with that key. Each conversation's keys are asked for once per request (and come from the
 * cache mostly); {@link #preload} asks for many in one go.
 */
final class EntryKeys {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ConversationKeys keys;
    private final UUID tenantId;
    private final Map<UUID, TenantKeys> loaded = new HashMap<>();

    EntryKeys(ConversationKeys keys, UUID tenantId) {
        this.keys = keys;
        this.tenantId = tenantId;
    }

    void preload(Collection<UUID> conversationIds) {
        if (conversationIds.isEmpty()) {
            return;
        }
        TenantKeys k = keys.of(tenantId, conversationIds).await().atMost(WAIT);
        conversationIds.forEach(c -> loaded.put(c, k));
    }

    /** The entry as served; fails with Unreadable when the sealed payload was altered or moved. */
    String json(UUID conversationId, UUID entryId, String head, byte[] payloadEnc, String tail) {
        return StoredEntry.json(of(conversationId), Binding.journalEntry(tenantId, conversationId, entryId), head,
                payloadEnc, tail);
    }

    void appendJson(StringBuilder out, UUID conversationId, UUID entryId, String head, byte[] payloadEnc,
            String tail) {
        StoredEntry.appendJson(out, of(conversationId), Binding.journalEntry(tenantId, conversationId, entryId), head,
                payloadEnc, tail);
    }

    private TenantKeys of(UUID conversationId) {
        return loaded.computeIfAbsent(conversationId, c -> keys.of(tenantId, c).await().atMost(WAIT));
    }
}
