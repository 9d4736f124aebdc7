package dk.samtale.crypto;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.platform.ConversationErasure;
import dk.samtale.platform.Relay;

/**
 * Crypto's part in deleting conversations: their keys are destroyed in the {@link KeyVault}, which is what
 * makes the deletion reach the main database's backups. The deleting transaction only notes the
 * conversations ({@code conversation_key_shredding}); after it commits, this relay destroys their keys in
 * the vault and then forgets them, so a key goes exactly when its rows are gone for good, also when the
 * vault is briefly away (the next pass retries).
 */
@ApplicationScoped
class KeyShredding implements ConversationErasure {

    private static final int BATCH = 500;

    private final Pool pool;
    private final ConversationKeys keys;
    private final Counter destroyed;
    private final Relay<String> relay;

    KeyShredding(Pool pool, ConversationKeys keys, CryptoConfig config, MeterRegistry metrics) {
        this.pool = pool;
        this.keys = keys;
        this.destroyed = Counter.builder("samtale.crypto.conversation.keys.destroyed")
                .description("Keys of deleted conversations destroyed in the key vault").register(metrics);
        this.relay = new Relay<>("key-shredding", java.time.Duration.ZERO, config.conversationKeys().shredInterval(),
                key -> pass(), () -> pool.query("SELECT EXISTS (SELECT 1 FROM conversation_key_shredding)").execute()
                        .map(rows -> rows.iterator().next().getBoolean(0) ? Set.of("vault") : Set.<String>of())
                        .await().indefinitely(),
                metrics);
    }

    void start(@Observes StartupEvent start) {
        relay.start();
    }

    @PreDestroy
    void stop() {
        relay.stop();
    }

    @Override
    public String name() {
        return "keys";
    }

    @Override
    public Set<String> tables() {
        return Set.of("conversation_key_shredding");
    }

    @Override
    public int erase(Connection c, UUID tenantId, Collection<UUID> conversationIds) throws SQLException {
        return ConversationErasure.delete(c, tenantId, conversationIds, """
                INSERT INTO conversation_key_shredding (conversation_id, tenant_id)
                SELECT id, tenant_id FROM conversation WHERE tenant_id = ? AND id = ANY(?)
                ON CONFLICT DO NOTHING""");
    }

    /** Destroys a batch of noted keys in the vault, then forgets them; more at once while batches come full. */
    Relay.Pass pass() {
        int n = pool.withTransaction(tx -> tx.preparedQuery("""
                SELECT conversation_id, tenant_id FROM conversation_key_shredding
                ORDER BY deleted_at LIMIT $1 FOR UPDATE SKIP LOCKED""").execute(Tuple.of(BATCH))
                .flatMap(rows -> {
                    Map<UUID, List<UUID>> byTenant = new HashMap<>();
                    List<UUID> all = new ArrayList<>();
                    for (Row r : rows) {
                        byTenant.computeIfAbsent(r.getUUID("tenant_id"), t -> new ArrayList<>())
                                .add(r.getUUID("conversation_id"));
                        all.add(r.getUUID("conversation_id"));
                    }
                    return io.smallrye.mutiny.Multi.createFrom().iterable(byTenant.entrySet())
                            .onItem().transformToUniAndConcatenate(e -> keys.destroy(e.getKey(), e.getValue()))
                            .collect().asList()
                            .flatMap(x -> tx.preparedQuery(
                                    "DELETE FROM conversation_key_shredding WHERE conversation_id = ANY($1)")
                                    .execute(Tuple.of(all.toArray(UUID[]::new))))
                            .replaceWith(all.size());
                }))
                .await().indefinitely();
        destroyed.increment(n);
        return n == BATCH ? Relay.Pass.MORE : Relay.Pass.DONE;
    }
}
