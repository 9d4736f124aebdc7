package dk.samtale.inbox;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.identity.Caller;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/** Canned replies of a unit, managed by the staff of that unit (another unit's answer 404). */
@ApplicationScoped
public class Templates {

    public static final int MAX_TITLE = 100;
    public static final int MAX_BODY = 4000;

    public record Template(UUID id, UUID unitId, String title, String body, Instant updatedAt) {
    }

    private final Pool pool;
    private final Clock clock;

    Templates(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    public Uni<List<Template>> list(Caller caller, UUID unitId) {
        member(caller, unitId);
        return pool.preparedQuery("SELECT id, unit_id, title, body, updated_at FROM reply_template"
                + " WHERE unit_id = $1 AND tenant_id = $2 ORDER BY lower(title), id")
                .execute(Tuple.of(unitId, caller.tenantId())).map(rows -> {
                    List<Template> list = new ArrayList<>(rows.size());
                    rows.forEach(r -> list.add(template(r)));
                    return list;
                });
    }

    public Uni<Template> create(Caller caller, UUID unitId, String title, String body) {
        member(caller, unitId);
        validate(title, body);
        UUID id = Uuid7.next(clock);
        return pool.preparedQuery("""
                INSERT INTO reply_template (id, tenant_id, unit_id, title, body, updated_by, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, unit_id, title, body, updated_at""")
                .execute(Tuple.tuple(List.of(id, caller.tenantId(), unitId, title.strip(), body, caller.id(),
                        Times.utc(Times.now(clock)))))
                .map(rows -> template(rows.iterator().next()));
    }

    public Uni<Template> update(Caller caller, UUID unitId, UUID id, String title, String body) {
        member(caller, unitId);
        validate(title, body);
        return pool.preparedQuery("""
                UPDATE reply_template SET title = $4, body = $5, updated_by = $6, updated_at = $7
                WHERE id = $1 AND unit_id = $2 AND tenant_id = $3 RETURNING id, unit_id, title, body, updated_at""")
                .execute(Tuple.tuple(List.of(id, unitId, caller.tenantId(), title.strip(), body, caller.id(),
                        Times.utc(Times.now(clock)))))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("template");
                    }
                    return template(rows.iterator().next());
                });
    }

    public Uni<Void> delete(Caller caller, UUID unitId, UUID id) {
        member(caller, unitId);
        return pool.preparedQuery("DELETE FROM reply_template WHERE id = $1 AND unit_id = $2 AND tenant_id = $3")
                .execute(Tuple.of(id, unitId, caller.tenantId())).map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ProblemException.notFound("template");
                    }
                    return null;
                });
    }

    /** Staff of the unit only; any other unit (or tenant) is indistinguishable from none. */
    static void member(Caller caller, UUID unitId) {
        if (unitId == null || !caller.isStaff() || !caller.unitIds().contains(unitId)) {
            throw ProblemException.notFound("unit");
        }
    }

    private static void validate(String title, String body) {
        if (title == null || title.isBlank() || title.strip().length() > MAX_TITLE) {
            throw ProblemException.invalid("title", "must be 1 to " + MAX_TITLE + " characters");
        }
        if (body == null || body.isBlank() || body.codePointCount(0, body.length()) > MAX_BODY) {
            throw ProblemException.invalid("body", "must be 1 to " + MAX_BODY + " characters");
        }
    }

    private static Template template(Row r) {
        return new Template(r.getUUID("id"), r.getUUID("unit_id"), r.getString("title"), r.getString("body"),
                Times.instant(r.getOffsetDateTime("updated_at")));
    }
}
