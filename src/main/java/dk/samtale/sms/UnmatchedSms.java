package dk.samtale.sms;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.KeyRing;
import dk.samtale.identity.Caller;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;

/**
 * Incoming SMS that did not become a message (unknown number, no conversation to put it in, empty), so
 * staff can act on them: none is silently dropped. Visible to the staff of the tenant's SMS default unit
 * (any staff of the tenant when it has none), newest first.
 */
@ApplicationScoped
public class UnmatchedSms {

    /** One unmatched SMS, with the sender's number (staff need it to find the citizen). */
    public record Item(long gatewayId, Instant receivedAt, String outcome, String phone, String body) {
        @Override
        public String toString() {
            return "UnmatchedSms.Item[" + gatewayId + "]";
        }
    }

    private final Pool pool;
    private final KeyRing keys;

    UnmatchedSms(Pool pool, KeyRing keys) {
        this.pool = pool;
        this.keys = keys;
    }

    public Uni<List<Item>> list(Caller staff, int limit) {
        if (limit < 1 || limit > 200) {
            throw ProblemException.invalid("limit", "must be 1 to 200");
        }
        UUID tenant = staff.tenantId();
        return pool.preparedQuery("SELECT default_unit_id FROM sms_tenant WHERE tenant_id = $1")
                .execute(Tuple.of(tenant)).flatMap(rows -> {
                    UUID unit = rows.size() == 0 ? null : rows.iterator().next().getUUID("default_unit_id");
                    if (unit != null && !staff.unitIds().contains(unit)) {
                        throw ProblemException.forbidden("Only staff of the SMS default unit see unmatched SMS");
                    }
                    return keys.tenant(tenant);
                }).flatMap(k -> pool.preparedQuery("""
                        SELECT gateway_id, received_at, outcome, msisdn_enc, body_enc FROM sms_inbound
                        WHERE tenant_id = $1 AND outcome NOT IN ('message', 'opt-out', 'opt-in', 'received')
                        ORDER BY received_at DESC LIMIT $2""").execute(Tuple.of(tenant, limit)).map(rows -> {
                    List<Item> items = new ArrayList<>();
                    for (Row r : rows) {
                        long id = r.getLong("gateway_id");
                        UUID row = IncomingSms.inboundRow(id);
                        var from = r.getBuffer("msisdn_enc");
                        var body = r.getBuffer("body_enc");
                        items.add(new Item(id, Times.instant(r.getOffsetDateTime("received_at")),
                                r.getString("outcome"),
                                from == null
                                        ? null
                                        : k.openOrNull(new Binding(tenant, "sms_inbound", row, "msisdn"),
                                                from.getBytes()),
                                body == null
                                        ? null
                                        : k.openOrNull(new Binding(tenant, "sms_inbound", row, "body"),
                                                body.getBytes())));
                    }
                    return items;
                }));
    }
}
