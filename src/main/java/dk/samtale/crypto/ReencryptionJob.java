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
    private final ConversationResealing resealing;
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private final Map<UUID, AtomicLong> remaining = new ConcurrentHashMap<>();
    private final Counter moved;
    private final jakarta.enterprise.inject.Instance<Resealer> features;

    ReencryptionJob(Pool pool, KeyRing keys, ConversationKeys conversationKeys, ConversationResealing resealing,
            MeterRegistry metrics, jakarta.enterprise.inject.Instance<Resealer> features) {
        this.resealing = resealing;
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
                .flatMap(w -> messages(tenant, batchSize, maxBatches))
                .flatMap(n -> maxBatches == Integer.MAX_VALUE
                        ? keys.tenant(tenant).flatMap(k -> citizens(tenant, k)
                                .flatMap(c -> subjects(tenant, batchSize).map(sj -> n + c + sj))
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
    private Uni<Long> messages(UUID tenant, int batchSize, int maxBatches) {
        return moving(() -> resealing.run(tenant,
                """
                        SELECT m.id, m.conversation_id, m.body_enc FROM message m JOIN conversation c ON c.id = m.conversation_id
                        JOIN data_key k ON k.id = m.body_key
                        WHERE c.tenant_id = $1 AND k.wrapped IS NOT NULL
                        ORDER BY m.id LIMIT $2 OFFSET $3 FOR UPDATE OF m SKIP LOCKED""",
                r -> new ConversationResealing.Sealed(r.getUUID("conversation_id"),
                        List.of(Binding.messageBody(tenant, r.getUUID("conversation_id"), r.getUUID("id"))),
                        List.of(bytes(r, "body_enc")), List.of(r.getUUID("id"))),
                "UPDATE message SET body_enc = $2, body_key = $3 WHERE id = $1", batchSize, maxBatches));
    }

    /**
     * Conversation subjects (sealed since V12) not yet under their conversation's key (the key id, bytes 2–5
     * of the sealed value, is not 0).
     */
    private Uni<Long> subjects(UUID tenant, int batchSize) {
        return moving(() -> resealing.run(tenant, """
                SELECT id, subject_enc FROM conversation
                WHERE tenant_id = $1 AND substring(subject_enc FROM 2 FOR 4) <> '\\x00000000'::bytea
                ORDER BY id LIMIT $2 OFFSET $3 FOR UPDATE SKIP LOCKED""",
                r -> new ConversationResealing.Sealed(r.getUUID("id"),
                        List.of(Binding.conversationSubject(tenant, r.getUUID("id"))), List.of(bytes(r, "subject_enc")),
                        List.of(r.getUUID("id"))),
                // the key id is in the value itself: the conversation has no column for it
                "UPDATE conversation SET subject_enc = $2 WHERE id = $1 AND $3::int IS NOT NULL", batchSize,
                Integer.MAX_VALUE));
    }

    /** Runs a blocking re-sealing on a worker thread and counts what moved. */
    private Uni<Long> moving(java.util.function.Supplier<Long> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .invoke(n -> moved.increment(n));
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

    private static byte[] bytes(Row r, String column) {
        var b = r.getBuffer(column);
        return b == null ? null : b.getBytes();
    }
}
