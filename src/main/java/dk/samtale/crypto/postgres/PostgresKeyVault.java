package dk.samtale.crypto.postgres;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.crypto.KeyVault;
import dk.samtale.platform.Times;

/**
 * The key vault as a PostgreSQL database of its own (datasource {@code keyvault}, schema in
 * {@code db/keyvault}): one row per conversation. Its backups are kept apart from the main database's and
 * expire within days, so a destroyed key is gone from every copy soon after (README "Deletion that reaches
 * backups").
 */
@ApplicationScoped
class PostgresKeyVault implements KeyVault {

    private final Pool pool;
    private final Clock clock;

    PostgresKeyVault(@ReactiveDataSource("keyvault") Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    @Override
    public Uni<Map<UUID, WrappedKey>> find(UUID tenantId, Collection<UUID> conversationIds) {
        if (conversationIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("""
                SELECT conversation_id, tenant_key, wrapped FROM conversation_key
                WHERE tenant_id = $1 AND conversation_id = ANY($2)""")
                .execute(Tuple.of(tenantId, conversationIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, WrappedKey> found = new HashMap<>();
                    for (Row r : rows) {
                        WrappedKey k = key(r);
                        found.put(k.conversationId(), k);
                    }
                    return found;
                });
    }

    @Override
    public Uni<WrappedKey> keep(UUID tenantId, WrappedKey key) {
        // the ON CONFLICT arm returns nothing; the second statement then reads the key that won
        return pool.preparedQuery("""
                INSERT INTO conversation_key (conversation_id, tenant_id, tenant_key, wrapped, created_at)
                VALUES ($1, $2, $3, $4, $5) ON CONFLICT (conversation_id) DO NOTHING""")
                .execute(Tuple.of(key.conversationId(), tenantId, key.tenantKey(), Buffer.buffer(key.wrapped()),
                        Times.utc(Times.now(clock))))
                .flatMap(inserted -> inserted.rowCount() == 1
                        ? Uni.createFrom().item(key)
                        : find(tenantId, List.of(key.conversationId())).map(found -> {
                            WrappedKey existing = found.get(key.conversationId());
                            if (existing == null) {
                                throw new IllegalStateException("conversation " + key.conversationId()
                                        + " has a key of another tenant");
                            }
                            return existing;
                        }));
    }

    @Override
    public Uni<Integer> destroy(UUID tenantId, Collection<UUID> conversationIds) {
        if (conversationIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery("DELETE FROM conversation_key WHERE tenant_id = $1 AND conversation_id = ANY($2)")
                .execute(Tuple.of(tenantId, conversationIds.toArray(UUID[]::new))).map(rows -> rows.rowCount());
    }

    @Override
    public Uni<Integer> destroyAll(UUID tenantId) {
        return pool.preparedQuery("DELETE FROM conversation_key WHERE tenant_id = $1").execute(Tuple.of(tenantId))
                .map(rows -> rows.rowCount());
    }

    @Override
    public Uni<List<WrappedKey>> wrappedByOtherThan(UUID tenantId, int tenantKey, int limit) {
        return pool.preparedQuery("""
                SELECT conversation_id, tenant_key, wrapped FROM conversation_key
                WHERE tenant_id = $1 AND tenant_key <> $2 LIMIT $3""")
                .execute(Tuple.of(tenantId, tenantKey, limit)).map(rows -> {
                    List<WrappedKey> keys = new ArrayList<>();
                    rows.forEach(r -> keys.add(key(r)));
                    return keys;
                });
    }

    @Override
    public Uni<Void> rewrapped(UUID tenantId, List<WrappedKey> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(
                "UPDATE conversation_key SET tenant_key = $3, wrapped = $4 WHERE tenant_id = $1 AND conversation_id = $2")
                .executeBatch(keys.stream().map(k -> Tuple.of(tenantId, k.conversationId(), k.tenantKey(),
                        Buffer.buffer(k.wrapped()))).toList())
                .replaceWithVoid();
    }

    private static WrappedKey key(Row r) {
        return new WrappedKey(r.getUUID("conversation_id"), r.getInteger("tenant_key"),
                r.getBuffer("wrapped").getBytes());
    }
}
