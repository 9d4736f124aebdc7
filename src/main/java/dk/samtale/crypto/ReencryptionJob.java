package dk.samtale.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Moves a tenant's sealed values onto the key they belong under now — a conversation's content onto the
 * conversation's own key (values sealed before conversations had keys, or under a retired tenant key), the
 * rest onto the active tenant key — and re-wraps the conversation keys under the active tenant key after a
 * rotation. In small batches, each its own short transaction with {@code SKIP LOCKED}, so chat never waits
 * on it. It keeps no state of its own — a value is done when it names the key it belongs under — so it
 * resumes after a crash simply by running again, which it does at start for every tenant with work left.
 * The crypto runs on worker threads.
 */
@ApplicationScoped
public class ReencryptionJob {

    private static final Logger LOG = Logger.getLogger(ReencryptionJob.class);
    public static final int BATCH = 200;

    private final Pool pool;
    private final KeyRing keys;
    private final ConversationKeys conversationKeys;
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private final Map<UUID, AtomicLong> remaining = new ConcurrentHashMap<>();
    private final Counter moved;
    private final jakarta.enterprise.inject.Instance<Resealer> features;

    ReencryptionJob(Pool pool, KeyRing keys, ConversationKeys conversationKeys, MeterRegistry metrics,
            jakarta.enterprise.inject.Instance<Resealer> features) {
        this.pool = pool;
        this.keys = keys;
        this.conversationKeys = conversationKeys;
        this.features = features;
        this.moved = Counter.builder("samtale.crypto.reencrypted")
                .description("Values moved onto the key they belong under")
                .register(metrics);
        Gauge.builder("samtale.crypto.reencryption.remaining", remaining,
                m -> m.values().stream().mapToLong(AtomicLong::get).sum())
                .description("Message bodies not yet under their conversation's key").register(metrics);
    }

    /**
     * Resumes unfinished work: moves what is still under a tenant key (the content of conversations from
     * before conversations had keys, a run stopped by a crash), and finishes re-wrapping conversation keys for
     * tenants that rotated (a cheap, indexed look in the vault when there is nothing to do).
     */
    void resume(@Observes StartupEvent start) {
        pool.query("""
                SELECT tenant_id, bool_or(has_values) AS values_left FROM (
                    SELECT k.tenant_id, NOT k.active AS retired,
                           EXISTS (SELECT 1 FROM message m WHERE m.body_key = k.id) AS has_values
                    FROM data_key k WHERE k.purpose = 'data' AND k.wrapped IS NOT NULL) live
                GROUP BY tenant_id HAVING bool_or(retired OR has_values)""").execute()
                .subscribe().with(rows -> rows.forEach(r -> {
                    UUID tenant = r.getUUID("tenant_id");
                    if (r.getBoolean("values_left")) {
                        start(tenant);
                    } else {
                        conversationKeys.rewrap(tenant, BATCH).subscribe().with(
                                n -> LOG.debugf("Tenant %s: %d conversation keys re-wrapped at start", tenant, n),
                                e -> LOG.warnf("Tenant %s: re-wrapping conversation keys stopped (%s)", tenant,
                                        e.getClass().getSimpleName()));
                    }
                }), e -> LOG.warnf("could not look for unfinished re-encryption (%s)", e.getClass().getSimpleName()));
    }

    public boolean running(UUID tenant) {
        return running.contains(tenant);
    }

    /** Starts a run in the background unless one is going for this tenant. */
    public void start(UUID tenant) {
        if (!running.add(tenant)) {
            return;
        }
        run(tenant, BATCH, Integer.MAX_VALUE).eventually(() -> running.remove(tenant)).subscribe().with(
                n -> LOG.infof("Re-encryption of tenant %s done: %d values moved to the active key", tenant, n),
                e -> LOG.errorf("Re-encryption of tenant %s stopped (%s); it resumes at the next start or rotation",
                        tenant, e.getClass().getSimpleName()));
    }

    /** Message bodies of the tenant still under a tenant key rather than their conversation's (readable ones). */
    public Uni<Long> remaining(UUID tenant) {
        return pool.preparedQuery("""
                SELECT count(*) FROM message m JOIN conversation c ON c.id = m.conversation_id
                JOIN data_key k ON k.id = m.body_key
                WHERE c.tenant_id = $1 AND k.wrapped IS NOT NULL""")
                .execute(Tuple.of(tenant)).map(rows -> rows.iterator().next().getLong(0))
                .invoke(n -> remaining.computeIfAbsent(tenant, t -> new AtomicLong()).set(n));
    }

    /**
     * Runs up to {@code maxBatches} batches of messages, then the citizens, the conversation subjects and
     * the other features' sealed data ({@link Resealer}s, e.g. attachment files); returns how many values
     * moved.
     */
    public Uni<Long> run(UUID tenant, int batchSize, int maxBatches) {
        // conversation keys first: re-wrapped keys are not values moved (they are counted in the log)
        return conversationKeys.rewrap(tenant, batchSize)
                .invoke(w -> LOG.debugf("Tenant %s: %d conversation keys re-wrapped", tenant, w))
                .flatMap(w -> messages(tenant, batchSize, maxBatches, new UUID(0, 0), 0L))
                .flatMap(n -> maxBatches == Integer.MAX_VALUE
                        ? keys.tenant(tenant).flatMap(k -> citizens(tenant, k)
                                .flatMap(c -> subjects(tenant, batchSize, new UUID(0, 0), n + c))
                                .flatMap(done -> features(tenant).map(f -> done + f)))
                        : Uni.createFrom().item(n))
                .call(() -> remaining(tenant));
    }

    private Uni<Long> features(UUID tenant) {
        return Uni.createFrom().item(() -> {
            long n = 0;
            for (Resealer r : features) {
                n += r.reseal(tenant);
            }
            moved.increment(n);
            return n;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Message bodies still under a tenant key (body_key names one; 0 is the conversation's key). */
    private Uni<Long> messages(UUID tenant, int batchSize, int batchesLeft, UUID after, long done) {
        if (batchesLeft <= 0) {
            return Uni.createFrom().item(done);
        }
        return pool
                .withTransaction(
                        tx -> tx.preparedQuery(
                                """
                                        SELECT m.id, m.conversation_id, m.body_enc FROM message m JOIN conversation c ON c.id = m.conversation_id
                                        JOIN data_key k ON k.id = m.body_key
                                        WHERE c.tenant_id = $1 AND k.wrapped IS NOT NULL AND m.id > $2
                                        ORDER BY m.id LIMIT $3 FOR UPDATE OF m SKIP LOCKED""")
                                .execute(Tuple.of(tenant, after, batchSize))
                                .flatMap(rows -> withConversationKeys(tenant, rows)
                                        .map(k -> reseal(rows, k,
                                                r -> Binding.messageBody(tenant, r.getUUID("conversation_id"),
                                                        r.getUUID("id")),
                                                "body_enc")))
                                .flatMap(batch -> batch.updates().isEmpty()
                                        ? Uni.createFrom().item(batch)
                                        : tx.preparedQuery(
                                                "UPDATE message SET body_enc = $2, body_key = $3 WHERE id = $1")
                                                .executeBatch(batch.updates()).replaceWith(batch)))
                .flatMap(batch -> {
                    moved.increment(batch.updates().size());
                    long total = done + batch.updates().size();
                    return batch.seen() < batchSize
                            ? Uni.createFrom().item(total)
                            : messages(tenant, batchSize, batchesLeft - 1, batch.last(), total);
                });
    }

    /** Conversation subjects (sealed since V12), in pages by id; those not under their conversation's key move. */
    private Uni<Long> subjects(UUID tenant, int batchSize, UUID after, long done) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                SELECT id, subject_enc FROM conversation
                WHERE tenant_id = $1 AND subject_enc IS NOT NULL AND id > $2
                ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED""")
                .execute(Tuple.of(tenant, after, batchSize))
                .flatMap(rows -> withConversationKeys(tenant, rows)
                        .map(k -> reseal(rows, k, r -> Binding.conversationSubject(tenant, r.getUUID("id")),
                                "subject_enc")))
                .flatMap(batch -> batch.updates().isEmpty()
                        ? Uni.createFrom().item(batch)
                        : tx.preparedQuery("UPDATE conversation SET subject_enc = $2 WHERE id = $1")
                                .executeBatch(batch.updates().stream()
                                        .map(t -> Tuple.of(t.getValue(0), t.getValue(1))).toList())
                                .replaceWith(batch)))
                .flatMap(batch -> {
                    moved.increment(batch.updates().size());
                    long total = done + batch.updates().size();
                    return batch.seen() < batchSize
                            ? Uni.createFrom().item(total)
                            : subjects(tenant, batchSize, batch.last(), total);
                });
    }

    private Uni<Long> citizens(UUID tenant, TenantKeys k) {
        // few per tenant (thousands): one pass, re-sealing the values that name another key
        return pool.withTransaction(tx -> tx.preparedQuery(
                "SELECT id, cpr_enc, name_enc FROM citizen WHERE tenant_id = $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(tenant))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(rows -> {
                    List<Tuple> updates = new ArrayList<>();
                    for (Row r : rows) {
                        UUID id = r.getUUID("id");
                        byte[] cpr = k.resealed(Binding.citizen(tenant, id, "cpr"), bytes(r, "cpr_enc"));
                        byte[] name = k.resealed(Binding.citizen(tenant, id, "name"), bytes(r, "name_enc"));
                        if (cpr != null || name != null) {
                            updates.add(Tuple.of(id, Buffer.buffer(cpr != null ? cpr : bytes(r, "cpr_enc")),
                                    name != null
                                            ? Buffer.buffer(name)
                                            : bytes(r, "name_enc") == null
                                                    ? null
                                                    : Buffer.buffer(bytes(r, "name_enc"))));
                        }
                    }
                    return updates;
                })
                .flatMap(updates -> updates.isEmpty()
                        ? Uni.createFrom().item(0L)
                        : tx.preparedQuery("UPDATE citizen SET cpr_enc = $2, name_enc = $3 WHERE id = $1")
                                .executeBatch(updates).replaceWith((long) updates.size())));
    }

    /**
     * The keys of the rows' conversations (column {@code conversation_id}, else {@code id}), made for those
     * from before conversations had keys; on a worker thread, for the crypto that follows.
     */
    private Uni<TenantKeys> withConversationKeys(UUID tenant, io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        Set<UUID> ids = new java.util.HashSet<>();
        String column = rows.columnsNames().contains("conversation_id") ? "conversation_id" : "id";
        rows.forEach(r -> ids.add(r.getUUID(column)));
        return conversationKeys.creatingMissing(tenant, ids).emitOn(Infrastructure.getDefaultWorkerPool());
    }

    private record Batch(List<Tuple> updates, int seen, UUID last) {
    }

    private static Batch reseal(io.vertx.mutiny.sqlclient.RowSet<Row> rows, TenantKeys k,
            java.util.function.Function<Row, Binding> binding, String column) {
        List<Tuple> updates = new ArrayList<>();
        UUID last = null;
        int seen = 0;
        for (Row r : rows) {
            seen++;
            last = r.getUUID("id");
            Binding b = binding.apply(r);
            byte[] resealed = k.resealed(b, bytes(r, column));
            if (resealed != null) {
                updates.add(Tuple.of(last, Buffer.buffer(resealed), k.keyIdFor(b)));
            }
        }
        return new Batch(updates, seen, last);
    }

    private static byte[] bytes(Row r, String column) {
        var b = r.getBuffer(column);
        return b == null ? null : b.getBytes();
    }
}
