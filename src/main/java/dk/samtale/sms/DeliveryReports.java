package dk.samtale.sms;

import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.conversation.Fanout;
import dk.samtale.conversation.Route;
import dk.samtale.platform.Times;

/**
 * Applies the gateway's delivery reports to notices. Reports come late, out of order and repeated, so
 * the state only moves forward: queued → sent (transient statuses) → delivered | failed (final). A
 * final state never changes again; a transient status after a final one is ignored; a repeat changes
 * nothing. Unknown userrefs are answered like known ones (the gateway must stop retrying).
 */
@ApplicationScoped
public class DeliveryReports {

    private static final Logger LOG = Logger.getLogger(DeliveryReports.class);
    private static final Set<String> FAILED = Set.of("EXPIRED", "DELETED", "UNDELIVERABLE", "REJECTED", "SKIPPED");

    private final Pool pool;
    private final Fanout fanout;
    private final Clock clock;
    private final SmsMetrics metrics;

    DeliveryReports(Pool pool, Fanout fanout, Clock clock, SmsMetrics metrics) {
        this.pool = pool;
        this.fanout = fanout;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The state a gateway status leads to: delivered and failed are final, sent is transient. */
    static String stateOf(String status) {
        String s = status.toUpperCase(Locale.ROOT);
        if (s.equals("DELIVERED")) {
            return "delivered";
        }
        return FAILED.contains(s) ? "failed" : "sent";
    }

    public Uni<Void> apply(String userref, String status, Long gatewayId, String error, String code) {
        UUID notice;
        try {
            notice = UUID.fromString(userref == null ? "" : userref);
        } catch (IllegalArgumentException e) {
            LOG.infof("Delivery report %s without a notice of ours; ignored", gatewayId);
            metrics.outcome("dlr:unknown");
            return Uni.createFrom().voidItem();
        }
        String state = stateOf(status);
        String from = state.equals("sent") ? "('queued')" : "('queued', 'sent')";
        return pool.preparedQuery("""
                UPDATE sms_notice n SET state = $2, gateway_status = $3, gateway_id = coalesce(n.gateway_id, $4),
                    reason = $5, updated_at = $6
                FROM conversation c
                WHERE n.id = $1 AND c.id = n.conversation_id AND n.state IN %s
                RETURNING n.tenant_id, c.unit_id, c.citizen_id, n.conversation_id, n.message_id, n.seq"""
                .formatted(from))
                .execute(Tuple.tuple(java.util.Arrays.asList(notice, state, status.toUpperCase(Locale.ROOT),
                        gatewayId, error == null ? code : error, Times.utc(Times.now(clock)))))
                .flatMap(rows -> {
                    if (rows.size() > 0) {
                        Row r = rows.iterator().next();
                        metrics.outcome("dlr:" + state);
                        if (r.getUUID("message_id") != null) {
                            fanout.publish(SmsStateEvent.of(new Route(r.getUUID("tenant_id"),
                                    r.getUUID("unit_id"), r.getUUID("citizen_id"), r.getUUID("conversation_id")),
                                    r.getUUID("message_id"), r.getLong("seq"), state));
                        }
                        return Uni.createFrom().voidItem();
                    }
                    // auto-replies have no conversation; and a repeat or a late transient changes nothing
                    return pool.preparedQuery("UPDATE sms_notice SET state = $2, gateway_status = $3, updated_at = $4 "
                            + "WHERE id = $1 AND conversation_id IS NULL AND state IN " + from)
                            .execute(Tuple.of(notice, state, status.toUpperCase(Locale.ROOT),
                                    Times.utc(Times.now(clock))))
                            .replaceWithVoid();
                });
    }
}
