package dk.samtale.demo;

import java.time.Clock;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * Demo only: the inbox's data for the demo unit, once, after {@link DemoSeeder}: two templates and
 * weekday opening hours (so a message sent in the evening shows the automatic reply).
 */
@ApplicationScoped
@IfBuildProfile("demo")
class InboxDemoData {

    private final Pool pool;
    private final Clock clock;
    private final DemoConfig config;

    InboxDemoData(Pool pool, Clock clock, DemoConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.config = config;
    }

    void seed(@Observes @Priority(5000) StartupEvent start) {
        if (!config.enabled()) {
            return;
        }
        var now = Times.utc(Times.now(clock));
        JsonObject weekdays = new JsonObject();
        for (String d : List.of("mon", "tue", "wed", "thu", "fri")) {
            weekdays.put(d, List.of(new JsonObject().put("from", "08:00").put("to", "15:30")));
        }
        pool.withTransaction(tx -> tx.preparedQuery("""
                INSERT INTO reply_template (id, tenant_id, unit_id, title, body, updated_by, updated_at)
                SELECT v.id, u.tenant_id, u.id, v.title, v.body, s.id, $3
                FROM unit u JOIN staff_member s ON s.tenant_id = u.tenant_id AND s.subject = 'mette',
                  (VALUES ($1::uuid, 'Mødetid', 'Vi ses på jobcentret torsdag kl. 10. Skriv, hvis tiden ikke passer.'),
                          ($2::uuid, 'Tak for beskeden', 'Tak for din besked. Jeg vender tilbage i løbet af dagen.'))
                    AS v(id, title, body)
                WHERE u.external_id = $4 AND NOT EXISTS (SELECT 1 FROM reply_template r WHERE r.unit_id = u.id)""")
                .execute(Tuple.of(Uuid7.next(clock), Uuid7.next(clock), now, DemoSeeder.UNIT_EXTERNAL_ID))
                .flatMap(x -> tx
                        .preparedQuery(
                                """
                                        INSERT INTO office_hours (unit_id, tenant_id, time_zone, weekly, auto_reply, enabled, updated_at)
                                        SELECT u.id, u.tenant_id, 'Europe/Copenhagen', $1, NULL, true, $2 FROM unit u
                                        WHERE u.external_id = $3 ON CONFLICT (unit_id) DO NOTHING""")
                        .execute(Tuple.of(weekdays, now, DemoSeeder.UNIT_EXTERNAL_ID))))
                .await().indefinitely();
    }
}
