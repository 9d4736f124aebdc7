package dk.samtale.conversation;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.crypto.ConversationKeys;

/**
 * Seals the subjects of conversations written before V12 (a Flyway SQL migration cannot: the keys are
 * not in the database). Runs at start on every replica, in small transactions with {@code SKIP LOCKED},
 * so replicas starting together share the work and chat never waits on it; a row is done when its clear
 * column is NULL, so a crash half-way simply resumes at the next start. Readers take the clear column of
 * a row not sealed yet ({@link Subjects#open}).
 */
@ApplicationScoped
public class SubjectSealing {

    private static final Logger LOG = Logger.getLogger(SubjectSealing.class);
    static final int BATCH = 200;

    private final Pool pool;
    private final ConversationKeys keys;

    SubjectSealing(Pool pool, ConversationKeys keys) {
        this.pool = pool;
        this.keys = keys;
    }

    void onStart(@Observes StartupEvent start) {
        sealAll().subscribe().with(n -> {
            if (n > 0) {
                LOG.infof("Sealed the subjects of %d conversations written before V12", n);
            }
        }, e -> LOG.warnf("Sealing old conversation subjects stopped (%s); it resumes at the next start",
                e.getClass().getSimpleName()));
    }

    /** Seals every subject still in clear; returns how many. */
    public Uni<Long> sealAll() {
        return pool.query("SELECT DISTINCT tenant_id FROM conversation WHERE subject IS NOT NULL").execute()
                .flatMap(rows -> {
                    List<UUID> tenants = new ArrayList<>();
                    rows.forEach(r -> tenants.add(r.getUUID(0)));
                    Uni<Long> done = Uni.createFrom().item(0L);
                    for (UUID tenant : tenants) {
                        done = done.flatMap(n -> tenant(tenant, n));
                    }
                    return done;
                });
    }

    private Uni<Long> tenant(UUID tenant, long done) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                SELECT id, subject FROM conversation WHERE tenant_id = $1 AND subject IS NOT NULL
                ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED""").execute(Tuple.of(tenant, BATCH))
                .flatMap(rows -> {
                    List<UUID> ids = new ArrayList<>(rows.size());
                    rows.forEach(r -> ids.add(r.getUUID("id")));
                    return keys.of(tenant, ids).emitOn(Infrastructure.getDefaultWorkerPool()).map(k -> {
                        List<Tuple> updates = new ArrayList<>(rows.size());
                        for (Row r : rows) {
                            UUID id = r.getUUID("id");
                            updates.add(Tuple.of(id,
                                    Buffer.buffer(Subjects.seal(k, tenant, id, r.getString("subject")))));
                        }
                        return updates;
                    });
                })
                .flatMap(updates -> updates.isEmpty()
                        ? Uni.createFrom().item(0)
                        : tx.preparedQuery("UPDATE conversation SET subject_enc = $2, subject = NULL WHERE id = $1")
                                .executeBatch(updates).replaceWith(updates.size())))
                .flatMap(n -> n < BATCH ? Uni.createFrom().item(done + n) : tenant(tenant, done + n));
    }
}
