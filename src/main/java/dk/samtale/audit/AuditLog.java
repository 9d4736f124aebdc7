package dk.samtale.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * The audit trail in PostgreSQL (table {@code audit_entry}, append-only by trigger), and its reading
 * side for a tenant's admins: newest first, paged by entry id (UUID v7, so id order is time order).
 */
@ApplicationScoped
public class AuditLog implements AuditTrail {

    /** An entry as the API shows it. */
    public record Entry(UUID id, Instant at, AuditActor actor, String action, String targetType, UUID targetId,
            Map<String, String> detail) {
    }

    /** Filters; null means any. {@code before} is the id of the last entry of the previous page. */
    public record Filter(String action, UUID actorId, UUID targetId, Instant from, Instant to, UUID before,
            int limit) {
    }

    /** One page, with the cursor for the next (null on the last). */
    public record Page(List<Entry> items, UUID next) {
    }

    private final Pool pool;
    private final Clock clock;

    AuditLog(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    @Override
    public Uni<Void> record(AuditEvent e) {
        Instant now = Times.now(clock);
        Tuple t = Tuple.tuple(List.of(Uuid7.next(clock), e.tenantId(), Times.utc(now), e.actor().kind().name()));
        t.addValue(e.actor().id());
        t.addValue(e.actor().client());
        t.addValue(e.action().code());
        t.addValue(e.targetType());
        t.addValue(e.targetId());
        t.addValue(new JsonObject(new HashMap<>(e.detail())));
        return pool.preparedQuery("""
                INSERT INTO audit_entry (id, tenant_id, at, actor_kind, actor_id, actor_client, action, target_type,
                                         target_id, detail)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""").execute(t).replaceWithVoid();
    }

    public Uni<Page> page(UUID tenantId, Filter f) {
        Tuple t = Tuple.tuple(List.of(tenantId));
        t.addValue(f.action());
        t.addValue(f.actorId());
        t.addValue(f.targetId());
        t.addValue(f.from() == null ? null : Times.utc(f.from()));
        t.addValue(f.to() == null ? null : Times.utc(f.to()));
        t.addValue(f.before());
        t.addValue(f.limit() + 1);
        return pool.preparedQuery("""
                SELECT id, at, actor_kind, actor_id, actor_client, action, target_type, target_id, detail
                FROM audit_entry
                WHERE tenant_id = $1
                  AND ($2::text IS NULL OR action = $2)
                  AND ($3::uuid IS NULL OR actor_id = $3)
                  AND ($4::uuid IS NULL OR target_id = $4)
                  AND ($5::timestamptz IS NULL OR at >= $5)
                  AND ($6::timestamptz IS NULL OR at < $6)
                  AND ($7::uuid IS NULL OR id < $7)
                ORDER BY id DESC LIMIT $8""").execute(t).map(rows -> {
            List<Entry> items = new ArrayList<>();
            for (Row r : rows) {
                items.add(entry(r));
            }
            UUID next = null;
            if (items.size() > f.limit()) {
                items = items.subList(0, f.limit());
                next = items.get(items.size() - 1).id();
            }
            return new Page(List.copyOf(items), next);
        });
    }

    private static Entry entry(Row r) {
        OffsetDateTime at = r.getOffsetDateTime("at");
        JsonObject detail = (JsonObject) r.getValue("detail");
        Map<String, String> d = new HashMap<>();
        if (detail != null) {
            detail.forEach(e -> d.put(e.getKey(), String.valueOf(e.getValue())));
        }
        AuditActor actor = new AuditActor(AuditActor.Kind.valueOf(r.getString("actor_kind")), r.getUUID("actor_id"),
                r.getString("actor_client"));
        return new Entry(r.getUUID("id"), at.toInstant(), actor, r.getString("action"), r.getString("target_type"),
                r.getUUID("target_id"), Map.copyOf(d));
    }
}
