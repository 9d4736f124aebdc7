package dk.samtale.records;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.platform.Times;

/**
 * Reading the access log (reactive): a tenant's entries newest first, filtered and paged by position, with
 * the employee's and the unit's names for the people who read it.
 */
@ApplicationScoped
class AccessLogQueries {

    /** Who accessed: {@code name} is the staff member's (null for others, and when not to be shown). */
    record Actor(String kind, UUID id, String client, String name) {
    }

    record Unit(UUID id, String name) {
    }

    /** An entry as the API shows it. */
    record Entry(long position, UUID id, Instant at, String kind, String purpose, Actor actor, UUID citizenId,
            UUID conversationId, Unit unit) {
    }

    /** Filters; null means any. {@code before}: the position of the last entry of the previous page. */
    record Filter(UUID citizenId, UUID staffId, String client, UUID conversationId, String kind, Instant from,
            Instant to, Long before, int limit) {
    }

    record Page(List<Entry> items, Long next) {
    }

    /** A tenant's settings as stored (defaults when the tenant never set any). */
    record Settings(boolean showStaffToCitizen, List<UnitPurpose> unitPurposes) {
    }

    record UnitPurpose(UUID unitId, String unitName, String purpose) {
    }

    /** An entry with its employee's and unit's names (the staff member and the unit may be gone: left joins). */
    private static final String SELECT = """
                SELECT a.position, a.id, a.at, a.kind, a.purpose, a.actor_kind, a.actor_id, a.actor_client,
                       s.name AS staff_name, a.citizen_id, a.conversation_id, a.unit_id, u.name AS unit_name
                FROM access_log a
                LEFT JOIN staff_member s ON a.actor_kind = 'staff' AND s.id = a.actor_id
                LEFT JOIN unit u ON u.id = a.unit_id
            """;

    private final Pool pool;

    AccessLogQueries(Pool pool) {
        this.pool = pool;
    }

    Uni<Page> page(UUID tenantId, Filter f) {
        Tuple t = Tuple.tuple(List.of(tenantId));
        t.addValue(f.citizenId());
        t.addValue(f.staffId());
        t.addValue(f.client());
        t.addValue(f.conversationId());
        t.addValue(f.kind());
        t.addValue(Times.utc(f.from()));
        t.addValue(Times.utc(f.to()));
        t.addValue(f.before());
        t.addValue(f.limit() + 1);
        return pool.preparedQuery(SELECT + """
                WHERE a.tenant_id = $1
                  AND ($2::uuid IS NULL OR a.citizen_id = $2)
                  AND ($3::uuid IS NULL OR (a.actor_kind = 'staff' AND a.actor_id = $3))
                  AND ($4::text IS NULL OR (a.actor_kind = 'service' AND a.actor_client = $4))
                  AND ($5::uuid IS NULL OR a.conversation_id = $5)
                  AND ($6::text IS NULL OR a.kind = $6)
                  AND ($7::timestamptz IS NULL OR a.at >= $7)
                  AND ($8::timestamptz IS NULL OR a.at < $8)
                  AND ($9::bigint IS NULL OR a.position < $9)
                ORDER BY a.position DESC LIMIT $10""").execute(t).map(rows -> {
            List<Entry> items = new ArrayList<>();
            for (Row r : rows) {
                items.add(entry(r, true));
            }
            Long next = null;
            if (items.size() > f.limit()) {
                items = items.subList(0, f.limit());
                next = items.get(items.size() - 1).position();
            }
            return new Page(List.copyOf(items), next);
        });
    }

    /** Every entry about a citizen, oldest first; staff names only when {@code withNames}. */
    Uni<List<Entry>> aboutCitizen(UUID tenantId, UUID citizenId, boolean withNames) {
        return pool.preparedQuery(SELECT + """
                WHERE a.tenant_id = $1 AND a.citizen_id = $2 ORDER BY a.position""")
                .execute(Tuple.of(tenantId, citizenId)).map(rows -> {
                    List<Entry> items = new ArrayList<>();
                    for (Row r : rows) {
                        items.add(entry(r, withNames));
                    }
                    return items;
                });
    }

    Uni<Settings> settings(UUID tenantId) {
        return pool.preparedQuery("SELECT show_staff_to_citizen FROM access_log_settings WHERE tenant_id = $1")
                .execute(Tuple.of(tenantId))
                .flatMap(rows -> pool.preparedQuery("""
                        SELECT p.unit_id, u.name, p.purpose FROM access_purpose p JOIN unit u ON u.id = p.unit_id
                        WHERE p.tenant_id = $1 ORDER BY u.name, p.unit_id""").execute(Tuple.of(tenantId))
                        .map(units -> {
                            List<UnitPurpose> list = new ArrayList<>();
                            units.forEach(u -> list.add(new UnitPurpose(u.getUUID("unit_id"), u.getString("name"),
                                    u.getString("purpose"))));
                            boolean show = rows.size() > 0 && rows.iterator().next().getBoolean(0);
                            return new Settings(show, List.copyOf(list));
                        }));
    }

    private static Entry entry(Row r, boolean withNames) {
        String actorKind = r.getString("actor_kind");
        boolean staff = "staff".equals(actorKind);
        Actor actor = new Actor(actorKind, staff && !withNames ? null : r.getUUID("actor_id"),
                r.getString("actor_client"),
                staff && withNames ? r.getString("staff_name") : null);
        UUID unitId = r.getUUID("unit_id");
        return new Entry(r.getLong("position"), r.getUUID("id"), r.getOffsetDateTime("at").toInstant(),
                r.getString("kind"), r.getString("purpose"), actor, r.getUUID("citizen_id"),
                r.getUUID("conversation_id"), unitId == null ? null : new Unit(unitId, r.getString("unit_name")));
    }
}
