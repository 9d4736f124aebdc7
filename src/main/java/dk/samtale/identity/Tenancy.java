package dk.samtale.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * Tenants (municipalities) and their units, as platform operators create and change them. A unit has
 * several external ids: every value of a staff token's group claim that means "member of this unit"
 * (IdPs often name groups by GUID, and a unit may be several groups).
 */
@ApplicationScoped
public class Tenancy {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{1,39}");
    private static final Pattern CODE = Pattern.compile("\\d{3}");
    static final int MAX_NAME = 200;
    static final int MAX_EXTERNAL_IDS = 20;

    public record Tenant(UUID id, String slug, String name, String municipalityCode, Instant createdAt) {
    }

    public record Unit(UUID id, UUID tenantId, String name, List<String> externalIds) {
    }

    private final Pool pool;
    private final Clock clock;

    Tenancy(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    public Uni<List<Tenant>> tenants() {
        return pool.query("SELECT id, slug, name, municipality_code, created_at FROM tenant ORDER BY slug").execute()
                .map(rows -> {
                    List<Tenant> out = new ArrayList<>();
                    rows.forEach(r -> out.add(tenant(r)));
                    return out;
                });
    }

    public Uni<Tenant> tenant(UUID id) {
        return pool.preparedQuery("SELECT id, slug, name, municipality_code, created_at FROM tenant WHERE id = $1")
                .execute(Tuple.of(id)).map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("tenant");
                    }
                    return tenant(rows.iterator().next());
                });
    }

    /** A new tenant; its slug is what the issuer configuration names, so it never changes. */
    public Uni<Tenant> createTenant(String slug, String name, String municipalityCode) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw ProblemException.invalid("slug", "must be 2 to 40 lower-case letters, digits or dashes");
        }
        String n = name(name);
        String code = code(municipalityCode);
        Instant now = Times.now(clock);
        return pool.preparedQuery("""
                INSERT INTO tenant (id, slug, name, municipality_code, created_at) VALUES ($1, $2, $3, $4, $5)
                RETURNING id, slug, name, municipality_code, created_at""")
                .execute(Tuple.of(Uuid7.next(clock), slug, n, code, Times.utc(now)))
                .map(rows -> tenant(rows.iterator().next()))
                .onFailure(Tenancy::uniqueViolation).transform(e -> new ProblemException(ErrorCode.TENANT_EXISTS,
                        "A tenant with this slug or municipality code exists"));
    }

    public Uni<Tenant> updateTenant(UUID id, String name, String municipalityCode) {
        String n = name(name);
        String code = code(municipalityCode);
        return pool.preparedQuery("""
                UPDATE tenant SET name = $2, municipality_code = $3 WHERE id = $1
                RETURNING id, slug, name, municipality_code, created_at""")
                .execute(Tuple.of(id, n, code))
                .onFailure(Tenancy::uniqueViolation).transform(e -> new ProblemException(ErrorCode.TENANT_EXISTS,
                        "Another tenant has this municipality code"))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("tenant");
                    }
                    return tenant(rows.iterator().next());
                });
    }

    public Uni<List<Unit>> units(UUID tenantId) {
        return tenant(tenantId).flatMap(t -> pool.preparedQuery("""
                SELECT u.id, u.tenant_id, u.name,
                       array(SELECT e.external_id FROM unit_external_id e WHERE e.unit_id = u.id
                             ORDER BY e.external_id <> u.external_id, e.external_id) AS external_ids
                FROM unit u WHERE u.tenant_id = $1 ORDER BY u.name""").execute(Tuple.of(tenantId)))
                .map(rows -> {
                    List<Unit> out = new ArrayList<>();
                    rows.forEach(r -> out.add(unit(r)));
                    return out;
                });
    }

    /** Whether the unit belongs to the tenant. */
    public Uni<Boolean> unitOf(UUID tenantId, UUID unitId) {
        return pool.preparedQuery("SELECT 1 FROM unit WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(unitId, tenantId)).map(rows -> rows.size() > 0);
    }

    public Uni<Unit> createUnit(UUID tenantId, String name, List<String> externalIds) {
        String n = name(name);
        List<String> ids = externalIds(externalIds);
        UUID id = Uuid7.next(clock);
        return tenant(tenantId).flatMap(t -> pool.withTransaction(tx -> tx
                .preparedQuery("INSERT INTO unit (id, tenant_id, name, external_id) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(id, tenantId, n, ids.get(0)))
                .flatMap(x -> addExternalIds(tx, tenantId, id, ids))))
                .onFailure(Tenancy::uniqueViolation).transform(Tenancy::inUse)
                .replaceWith(new Unit(id, tenantId, n, ids));
    }

    public Uni<Unit> updateUnit(UUID tenantId, UUID unitId, String name, List<String> externalIds) {
        String n = name(name);
        List<String> ids = externalIds(externalIds);
        return pool.withTransaction(tx -> tx
                .preparedQuery("DELETE FROM unit_external_id WHERE unit_id = $1 AND tenant_id = $2")
                .execute(Tuple.of(unitId, tenantId))
                // the trigger mirrors the first id into unit_external_id again
                .flatMap(x -> tx.preparedQuery(
                        "UPDATE unit SET name = $3, external_id = $4 WHERE id = $1 AND tenant_id = $2")
                        .execute(Tuple.of(unitId, tenantId, n, ids.get(0))))
                .flatMap(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ProblemException.notFound("unit");
                    }
                    return addExternalIds(tx, tenantId, unitId, ids);
                }))
                .onFailure(Tenancy::uniqueViolation).transform(Tenancy::inUse)
                .replaceWith(new Unit(unitId, tenantId, n, ids));
    }

    private static Uni<Void> addExternalIds(SqlClient tx, UUID tenantId, UUID unitId, List<String> ids) {
        List<Tuple> rows = ids.stream().map(e -> Tuple.of(tenantId, e, unitId)).toList();
        return tx.preparedQuery("""
                INSERT INTO unit_external_id (tenant_id, external_id, unit_id) VALUES ($1, $2, $3)
                ON CONFLICT (tenant_id, external_id) DO UPDATE SET unit_id = EXCLUDED.unit_id
                WHERE unit_external_id.unit_id = EXCLUDED.unit_id""").executeBatch(rows)
                .flatMap(x -> tx.preparedQuery(
                        "SELECT count(*) FROM unit_external_id WHERE unit_id = $1 AND external_id = ANY($2)")
                        .execute(Tuple.of(unitId, ids.toArray(String[]::new))))
                .map(r -> {
                    if (r.iterator().next().getLong(0) != ids.size()) {
                        // ON CONFLICT ... WHERE skipped an id that belongs to another unit
                        throw inUse(null);
                    }
                    return null;
                });
    }

    private static ProblemException inUse(Throwable e) {
        return new ProblemException(ErrorCode.EXTERNAL_ID_IN_USE,
                "An external id is already used by another unit of this tenant");
    }

    private static boolean uniqueViolation(Throwable e) {
        return e instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

    private static String name(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME) {
            throw ProblemException.invalid("name", "must be 1 to " + MAX_NAME + " characters");
        }
        return n;
    }

    private static String code(String code) {
        if (code != null && !CODE.matcher(code).matches()) {
            throw ProblemException.invalid("municipalityCode", "must be the 3-digit municipality code");
        }
        return code;
    }

    private static List<String> externalIds(List<String> ids) {
        if (ids == null || ids.isEmpty() || ids.size() > MAX_EXTERNAL_IDS) {
            throw ProblemException.invalid("externalIds", "must hold 1 to " + MAX_EXTERNAL_IDS + " values");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String id : ids) {
            if (id == null || id.isBlank() || id.length() > MAX_NAME || !id.equals(id.strip())) {
                throw ProblemException.invalid("externalIds",
                        "each must be 1 to " + MAX_NAME + " characters without surrounding spaces");
            }
            out.add(id);
        }
        return List.copyOf(out);
    }

    private static Tenant tenant(Row r) {
        return new Tenant(r.getUUID("id"), r.getString("slug"), r.getString("name"), r.getString("municipality_code"),
                Times.instant(r.getOffsetDateTime("created_at")));
    }

    private static Unit unit(Row r) {
        String[] ids = r.getArrayOfStrings("external_ids");
        return new Unit(r.getUUID("id"), r.getUUID("tenant_id"), r.getString("name"),
                ids == null ? List.of() : Arrays.asList(ids));
    }
}
