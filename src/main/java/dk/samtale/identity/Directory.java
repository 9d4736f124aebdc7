package dk.samtale.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.platform.ProblemException;

/** Units, staff and citizens of a tenant, as callers may look them up. */
@ApplicationScoped
public class Directory {

    private static final Pattern CPR = Pattern.compile("\\d{10}");

    /** An id with a display name. */
    public record Entry(UUID id, String name) {
    }

    private final Pool pool;
    private final Citizens citizens;

    Directory(Pool pool, Citizens citizens) {
        this.pool = pool;
        this.citizens = citizens;
    }

    public Uni<List<Entry>> units(Caller caller) {
        return pool.preparedQuery("SELECT id, name FROM unit WHERE tenant_id = $1 ORDER BY name")
                .execute(Tuple.of(caller.tenantId())).map(Directory::entries);
    }

    public Uni<List<Entry>> myUnits(Caller caller) {
        return pool.preparedQuery("SELECT id, name FROM unit WHERE tenant_id = $1 AND id = ANY($2) ORDER BY name")
                .execute(Tuple.of(caller.tenantId(), caller.unitIds().toArray(UUID[]::new))).map(Directory::entries);
    }

    public Uni<List<Entry>> staff(Caller caller) {
        return pool.preparedQuery("SELECT id, name FROM staff_member WHERE tenant_id = $1 ORDER BY name")
                .execute(Tuple.of(caller.tenantId())).map(Directory::entries);
    }

    /**
     * Whether this staff member of the tenant belongs to the unit, as their latest token said (recorded
     * when their token was resolved): who may be assigned the unit's conversations.
     */
    public Uni<Boolean> isStaffOfUnit(UUID tenantId, UUID staffId, UUID unitId) {
        return pool.preparedQuery("""
                SELECT 1 FROM staff_unit su JOIN staff_member s ON s.id = su.staff_id
                WHERE su.staff_id = $1 AND su.unit_id = $2 AND s.tenant_id = $3""")
                .execute(Tuple.of(staffId, unitId, tenantId)).map(rows -> rows.size() > 0);
    }

    /** The unit's name, or null when the tenant has no such unit. */
    public Uni<String> unitName(UUID tenantId, UUID unitId) {
        return pool.preparedQuery("SELECT name FROM unit WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(unitId, tenantId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("name"));
    }

    /**
     * Finds the citizen with this CPR in the caller's tenant, registering them if they are new (staff
     * may write to a citizen who has not used the app yet). The CPR is never logged.
     */
    public Uni<Entry> citizenByCpr(Caller caller, String cpr) {
        if (cpr == null || !CPR.matcher(cpr).matches()) {
            throw ProblemException.invalid("cpr", "must be 10 digits");
        }
        return citizens.findOrRegister(caller.tenantId(), cpr, null).map(found -> new Entry(found.id(), found.name()));
    }

    private static List<Entry> entries(RowSet<Row> rows) {
        List<Entry> list = new ArrayList<>(rows.size());
        rows.forEach(r -> list.add(new Entry(r.getUUID("id"), r.getString("name"))));
        return list;
    }
}
