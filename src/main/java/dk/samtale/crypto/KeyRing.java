package dk.samtale.crypto;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.platform.Times;

/**
 * Each tenant's data keys: created on first use, stored only wrapped by the KEK, unwrapped into memory
 * for at most {@link #TTL_MILLIS} (so a rotation or shredding done on another replica takes effect
 * here within that time; on this replica at once).
 */
@ApplicationScoped
public class KeyRing {

    private static final Logger LOG = Logger.getLogger(KeyRing.class);
    static final long TTL_MILLIS = 30_000;

    /** One data key as operators see it (never the key). */
    public record KeyInfo(int id, String purpose, boolean active, String kekId, Instant createdAt,
            Instant destroyedAt) {
    }

    /** One load of a tenant's keys, shared by everyone who asks while it runs; {@code keys} once it is done. */
    private static final class Cached {
        final long loadedAt;
        Uni<TenantKeys> loading;
        volatile TenantKeys keys;

        Cached(long loadedAt) {
            this.loadedAt = loadedAt;
        }
    }

    private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();
    private final Pool pool;
    private final MessageCipher cipher;
    private final KeyEncryptionKeys keks;
    private final Clock clock;
    private final jakarta.enterprise.event.Event<KeysShredded> shredded;

    KeyRing(Pool pool, MessageCipher cipher, KeyEncryptionKeys keks, Clock clock,
            jakarta.enterprise.event.Event<KeysShredded> shredded) {
        this.pool = pool;
        this.cipher = cipher;
        this.keks = keks;
        this.clock = clock;
        this.shredded = shredded;
    }

    /**
     * The tenant's keys, creating its first data and index keys if it has none.
     *
     * <p>Callers that arrive while a load runs wait for that one load, and each is resumed on its own
     * Vert.x context: a shared (memoized) Uni hands its item to every waiter on the context of the
     * first, and a request resumed on another request's context also shares its Hibernate session and
     * transaction (ConcurrentFirstRequestsTest).
     */
    public Uni<TenantKeys> tenant(UUID tenantId) {
        long now = System.currentTimeMillis();
        Cached c = cache.get(tenantId);
        if (c == null || now - c.loadedAt > TTL_MILLIS) {
            Cached fresh = new Cached(now);
            fresh.loading = load(tenantId).invoke(k -> fresh.keys = k)
                    .onFailure().invoke(() -> cache.remove(tenantId, fresh)).memoize().indefinitely();
            cache.put(tenantId, fresh);
            c = fresh;
        }
        TenantKeys ready = c.keys;
        if (ready != null) {
            return Uni.createFrom().item(ready);
        }
        Uni<TenantKeys> loading = c.loading;
        return Uni.createFrom().deferred(() -> {
            io.vertx.core.Context caller = io.vertx.core.Vertx.currentContext();
            return caller == null ? loading : loading.emitOn(r -> caller.runOnContext(x -> r.run()));
        });
    }

    public Uni<List<KeyInfo>> describe(UUID tenantId) {
        return pool.preparedQuery("""
                SELECT id, purpose, active, kek_id, created_at, destroyed_at FROM data_key
                WHERE tenant_id = $1 ORDER BY id""").execute(Tuple.of(tenantId))
                .map(rows -> {
                    List<KeyInfo> list = new java.util.ArrayList<>();
                    rows.forEach(r -> list.add(new KeyInfo(r.getInteger("id"), r.getString("purpose"),
                            r.getBoolean("active"), r.getString("kek_id"),
                            Times.instant(r.getOffsetDateTime("created_at")),
                            Times.instant(r.getOffsetDateTime("destroyed_at")))));
                    return list;
                });
    }

    /** The tenant's slug (what an operator types to confirm shredding). */
    public Uni<String> slug(UUID tenantId) {
        return pool.preparedQuery("SELECT slug FROM tenant WHERE id = $1").execute(Tuple.of(tenantId))
                .map(rows -> rows.iterator().next().getString(0));
    }

    /** Adds a new active data key; values sealed under the old ones stay readable. Returns its id. */
    public Uni<Integer> rotate(UUID tenantId) {
        return pool.withTransaction(tx -> tx.preparedQuery(
                "UPDATE data_key SET active = false WHERE tenant_id = $1 AND purpose = 'data' AND active")
                .execute(Tuple.of(tenantId))
                .flatMap(x -> create(tx, tenantId, "data")))
                .invoke(id -> {
                    cache.remove(tenantId);
                    LOG.infof("Tenant %s: new data key %d is active", tenantId, id);
                });
    }

    /** Wraps every data key of the tenant under the current KEK. Returns how many were re-wrapped. */
    public Uni<Integer> rewrap(UUID tenantId) {
        String current = keks.currentId();
        return pool.withTransaction(tx -> tx.preparedQuery("""
                SELECT id, purpose, wrapped, kek_id FROM data_key
                WHERE tenant_id = $1 AND wrapped IS NOT NULL AND kek_id <> $2 FOR UPDATE""")
                .execute(Tuple.of(tenantId, current))
                .flatMap(rows -> {
                    List<Tuple> updates = new java.util.ArrayList<>();
                    for (Row r : rows) {
                        byte[] dek = unwrap(tenantId, r);
                        updates.add(
                                Tuple.of(r.getInteger("id"), wrap(tenantId, r.getInteger("id"), r.getString("purpose"),
                                        dek), current));
                    }
                    return updates.isEmpty()
                            ? Uni.createFrom().item(0)
                            : tx.preparedQuery("UPDATE data_key SET wrapped = $2, kek_id = $3 WHERE id = $1")
                                    .executeBatch(updates).replaceWith(updates.size());
                }))
                .invoke(n -> LOG.infof("Tenant %s: %d data keys re-wrapped under KEK %s", tenantId, n, current));
    }

    /**
     * Crypto-shredding: destroys the wrapped key material of every key of the tenant. Everything sealed
     * under those keys becomes unreadable for good; new writes get new keys. Returns how many keys.
     */
    public Uni<Integer> shred(UUID tenantId) {
        return pool.preparedQuery("""
                UPDATE data_key SET wrapped = NULL, active = false, destroyed_at = $2
                WHERE tenant_id = $1 AND wrapped IS NOT NULL""")
                .execute(Tuple.of(tenantId, Times.utc(Times.now(clock))))
                .map(rows -> rows.rowCount())
                .invoke(n -> {
                    cache.remove(tenantId);
                    LOG.warnf("Tenant %s: %d keys destroyed (crypto-shredding)", tenantId, n);
                    // what other features decrypted from this tenant (citizen names) must go too
                    shredded.fire(new KeysShredded(tenantId));
                });
    }

    private Uni<TenantKeys> load(UUID tenantId) {
        return pool.preparedQuery("SELECT id, purpose, wrapped, kek_id, active FROM data_key WHERE tenant_id = $1")
                .execute(Tuple.of(tenantId))
                .flatMap(rows -> {
                    Integer active = null;
                    byte[] index = null;
                    boolean hasActiveIndex = false;
                    Map<Integer, byte[]> data = new HashMap<>();
                    for (Row r : rows) {
                        boolean destroyed = r.getBuffer("wrapped") == null;
                        if (r.getString("purpose").equals("data")) {
                            data.put(r.getInteger("id"), destroyed ? null : unwrap(tenantId, r));
                            if (r.getBoolean("active")) {
                                active = r.getInteger("id");
                            }
                        } else if (r.getBoolean("active")) {
                            hasActiveIndex = true;
                            index = unwrap(tenantId, r);
                        }
                    }
                    if (active == null || !hasActiveIndex) {
                        return createMissing(tenantId, active == null, !hasActiveIndex).flatMap(x -> load(tenantId));
                    }
                    return Uni.createFrom().item(new TenantKeys(tenantId, active, data, index, cipher));
                });
    }

    private Uni<Void> createMissing(UUID tenantId, boolean data, boolean index) {
        return pool.withTransaction(tx -> (data ? create(tx, tenantId, "data") : Uni.createFrom().item(0))
                .flatMap(x -> index ? create(tx, tenantId, "index") : Uni.createFrom().item(0)))
                .replaceWithVoid()
                // two replicas creating the first keys at once: one wins, the other reloads its keys
                .onFailure(e -> String.valueOf(e.getMessage()).contains("data_key_one_active")).recoverWithNull();
    }

    private Uni<Integer> create(SqlClient tx, UUID tenantId, String purpose) {
        return tx.query("SELECT nextval('data_key_id_seq')").execute()
                .map(r -> r.iterator().next().getLong(0).intValue())
                .flatMap(id -> tx.preparedQuery("""
                        INSERT INTO data_key (id, tenant_id, purpose, wrapped, kek_id, active, created_at)
                        VALUES ($1, $2, $3, $4, $5, true, $6)""")
                        .execute(
                                Tuple.tuple(List.of(id, tenantId, purpose, wrap(tenantId, id, purpose, cipher.newKey()),
                                        keks.currentId(), Times.utc(Times.now(clock)))))
                        .replaceWith(id));
    }

    private io.vertx.core.buffer.Buffer wrap(UUID tenantId, int id, String purpose, byte[] dek) {
        return io.vertx.core.buffer.Buffer.buffer(cipher.seal(keks.current(), 0, wrapAad(tenantId, id, purpose),
                dek));
    }

    private byte[] unwrap(UUID tenantId, Row r) {
        byte[] kek = keks.byId(r.getString("kek_id"));
        if (kek == null) {
            throw new IllegalStateException("data key " + r.getInteger("id") + " is wrapped by KEK "
                    + r.getString("kek_id") + ", which is not mounted (samtale.crypto.previous-kek-files)");
        }
        return cipher.open(kek, wrapAad(tenantId, r.getInteger("id"), r.getString("purpose")),
                r.getBuffer("wrapped").getBytes());
    }

    private static byte[] wrapAad(UUID tenantId, int id, String purpose) {
        return ("samtale/v1|dek|" + tenantId + "|" + id + "|" + purpose).getBytes(StandardCharsets.UTF_8);
    }
}
