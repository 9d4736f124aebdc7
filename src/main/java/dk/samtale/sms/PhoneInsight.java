package dk.samtale.sms;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.KeyRing;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.platform.InsightContributor;

/**
 * The citizen's verified phone number for the insight report (who verified it, whether they said STOP), and
 * every SMS received from that number: its text and what became of it (a message, an opt-out, unmatched).
 */
@ApplicationScoped
class PhoneInsight implements InsightContributor {

    record Item(String number, Instant verifiedAt, java.util.UUID verifiedBy, Instant optedOutAt,
            List<Received> received) {
        @Override
        public String toString() {
            return "PhoneInsight.Item[...]"; // never the number
        }
    }

    /** An SMS from the number; {@code text} null when unreadable. */
    record Received(long gatewayId, Instant receivedAt, String outcome, String text, java.util.UUID messageId) {
        @Override
        public String toString() {
            return "Received[" + gatewayId + "]";
        }
    }

    private final Pool pool;
    private final KeyRing keys;

    PhoneInsight(Pool pool, KeyRing keys) {
        this.pool = pool;
        this.keys = keys;
    }

    @Override
    public String name() {
        return "phone-numbers";
    }

    @Override
    public int order() {
        return 40;
    }

    @Override
    public Set<String> tables() {
        return Set.of("citizen_phone", "sms_inbound");
    }

    @Override
    public Uni<Section> about(Subject s) {
        return keys.tenant(s.tenantId()).flatMap(k -> pool.preparedQuery("""
                SELECT phone_enc, phone_index, verified_at, verified_by, opted_out_at FROM citizen_phone
                WHERE tenant_id = $1 AND citizen_id = $2""").execute(Tuple.of(s.tenantId(), s.citizenId()))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(List.<Item>of());
                    }
                    Row r = rows.iterator().next();
                    return received(k, s, r).map(received -> List.of(new Item(
                            k.openOrNull(Phones.binding(s.tenantId(), s.citizenId()),
                                    r.getBuffer("phone_enc").getBytes()),
                            r.getOffsetDateTime("verified_at").toInstant(), r.getUUID("verified_by"),
                            r.getOffsetDateTime("opted_out_at") == null
                                    ? null
                                    : r.getOffsetDateTime("opted_out_at").toInstant(),
                            received)));
                }))
                .map(items -> new Section(name(), "Dit telefonnummer og SMS fra det", items));
    }

    /** SMS from the number, found by its blind index (the same index the number is verified under). */
    private Uni<List<Received>> received(TenantKeys k, Subject s, Row phone) {
        return pool.preparedQuery("""
                SELECT gateway_id, received_at, outcome, body_enc, message_id FROM sms_inbound
                WHERE tenant_id = $1 AND msisdn_index = $2 ORDER BY received_at, gateway_id""")
                .execute(Tuple.of(s.tenantId(),
                        io.vertx.core.buffer.Buffer.buffer(phone.getBuffer("phone_index").getBytes())))
                .map(rows -> {
                    List<Received> list = new ArrayList<>();
                    for (Row r : rows) {
                        long id = r.getLong("gateway_id");
                        var body = r.getBuffer("body_enc");
                        String text = body == null
                                ? null
                                : k.openOrNull(
                                        new Binding(s.tenantId(), "sms_inbound", IncomingSms.inboundRow(id), "body"),
                                        body.getBytes());
                        list.add(new Received(id, r.getOffsetDateTime("received_at").toInstant(),
                                r.getString("outcome"), text, r.getUUID("message_id")));
                    }
                    return list;
                });
    }
}
