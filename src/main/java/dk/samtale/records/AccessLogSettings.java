package dk.samtale.records;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.audit.AuditAction;
import dk.samtale.audit.AuditActor;
import dk.samtale.audit.AuditEvent;
import dk.samtale.audit.AuditTrail;
import dk.samtale.identity.Caller;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;

/**
 * A tenant's access-log settings: whether the citizen's insight report names the employee, and each unit's
 * purpose of processing; with the service's configured defaults beside them. Changes are audited.
 */
@ApplicationScoped
class AccessLogSettings {

    static final int MAX_PURPOSE = 100;

    /** What a tenant's admin and DPO see. */
    record View(boolean showStaffToCitizen, List<AccessLogQueries.UnitPurpose> unitPurposes, String defaultPurpose,
            Map<String, String> kindPurposes, String retention, String coalesceWindow) {
    }

    /** {@code purpose} null: the unit goes back to the default. */
    record UnitPurpose(UUID unitId, String purpose) {
    }

    /** Fields left out stay as they are. */
    record Change(Boolean showStaffToCitizen, List<UnitPurpose> unitPurposes) {
        Change validated() {
            if (unitPurposes != null) {
                for (UnitPurpose p : unitPurposes) {
                    if (p == null || p.unitId() == null) {
                        throw ProblemException.invalid("unitPurposes", "every item needs a unitId");
                    }
                    String s = p.purpose();
                    if (s != null && (s.isBlank() || s.length() > MAX_PURPOSE
                            || s.codePoints().anyMatch(Character::isISOControl))) {
                        throw ProblemException.invalid("unitPurposes",
                                "a purpose is 1 to " + MAX_PURPOSE + " characters of text on one line, or null");
                    }
                }
            }
            return this;
        }
    }

    private final Pool pool;
    private final AccessLogQueries queries;
    private final RecordsConfig.AccessLogConfig config;
    private final AuditTrail audit;
    private final Clock clock;

    AccessLogSettings(Pool pool, AccessLogQueries queries, RecordsConfig config, AuditTrail audit, Clock clock) {
        this.pool = pool;
        this.queries = queries;
        this.config = config.accessLog();
        this.audit = audit;
        this.clock = clock;
    }

    Uni<View> view(UUID tenantId) {
        return queries.settings(tenantId).map(s -> new View(s.showStaffToCitizen(), s.unitPurposes(),
                config.defaultPurpose(), Map.copyOf(config.kindPurposes()), config.retention().toString(),
                config.coalesceWindow().toString()));
    }

    Uni<View> change(Caller caller, Change change) {
        UUID tenantId = caller.tenantId();
        var now = Times.utc(Times.now(clock));
        return pool.withTransaction(tx -> {
            Uni<Void> show = change.showStaffToCitizen() == null
                    ? Uni.createFrom().voidItem()
                    : tx.preparedQuery(
                            """
                                    INSERT INTO access_log_settings (tenant_id, show_staff_to_citizen, updated_at) VALUES ($1, $2, $3)
                                    ON CONFLICT (tenant_id) DO UPDATE SET show_staff_to_citizen = EXCLUDED.show_staff_to_citizen,
                                        updated_at = EXCLUDED.updated_at""")
                            .execute(Tuple.of(tenantId, change.showStaffToCitizen(), now)).replaceWithVoid();
            List<UnitPurpose> units = change.unitPurposes() == null ? List.of() : change.unitPurposes();
            return show.flatMap(x -> Multi.createFrom().iterable(units)
                    .onItem().transformToUniAndConcatenate(p -> unit(tx, tenantId, p, now)).collect().last());
        }).flatMap(x -> audit.record(new AuditEvent(tenantId, AuditActor.of(caller),
                AuditAction.ACCESS_LOG_SETTINGS_CHANGED, "tenant", tenantId, Map.of())))
                .flatMap(x -> view(tenantId));
    }

    private static Uni<Void> unit(SqlClient tx, UUID tenantId, UnitPurpose p, java.time.OffsetDateTime now) {
        if (p.purpose() == null) {
            return tx.preparedQuery("DELETE FROM access_purpose WHERE unit_id = $1 AND tenant_id = $2")
                    .execute(Tuple.of(p.unitId(), tenantId)).replaceWithVoid();
        }
        return tx.preparedQuery("""
                INSERT INTO access_purpose (unit_id, tenant_id, purpose, updated_at)
                SELECT id, tenant_id, $3, $4 FROM unit WHERE id = $1 AND tenant_id = $2
                ON CONFLICT (unit_id) DO UPDATE SET purpose = EXCLUDED.purpose, updated_at = EXCLUDED.updated_at
                RETURNING unit_id""").execute(Tuple.of(p.unitId(), tenantId, p.purpose(), now)).map(rows -> {
            if (rows.size() == 0) {
                throw ProblemException.notFound("unit");
            }
            return null;
        });
    }
}
