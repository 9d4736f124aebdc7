package dk.samtale.sms;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.conversation.ConversationService;
import dk.samtale.conversation.Message;
import dk.samtale.conversation.MessageService;
import dk.samtale.crypto.Binding;
import dk.samtale.crypto.KeyRing;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerKind;
import dk.samtale.identity.Citizens;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;

/**
 * An SMS from a citizen. It is recorded first (sealed, keyed by the gateway's id, so a redelivery is a
 * no-op and nothing is ever lost), then routed: the receiving number gives the tenant, the sender's
 * number (blind index) the citizen, and the citizen's open conversation — preferring one whose policy
 * sends SMS, most recent first — gets it as a message from the citizen through {@link MessageService}
 * like any other (seq, fan-out, journal, push), idempotent on the gateway's id as clientMessageId. A
 * known citizen without an open conversation gets a new one in the tenant's default unit. STOP and
 * START switch SMS off and on. An unknown number gets the tenant's auto-reply, if it has one.
 */
@ApplicationScoped
public class IncomingSms {

    private static final Logger LOG = Logger.getLogger(IncomingSms.class);
    private static final Set<String> STOP = Set.of("STOP", "STOPP", "AFMELD");
    private static final Set<String> START = Set.of("START", "TILMELD");

    private final Pool pool;
    private final KeyRing keys;
    private final Phones phones;
    private final MessageService messages;
    private final ConversationService conversations;
    private final Clock clock;
    private final SmsMetrics metrics;

    IncomingSms(Pool pool, KeyRing keys, Phones phones, MessageService messages, ConversationService conversations,
            Clock clock, SmsMetrics metrics) {
        this.pool = pool;
        this.keys = keys;
        this.phones = phones;
        this.messages = messages;
        this.conversations = conversations;
        this.clock = clock;
        this.metrics = metrics;
    }

    private record Tenant(UUID id, String name, UUID defaultUnit, boolean autoReply) {
    }

    public Uni<Void> receive(long gatewayId, String msisdn, String receiver, String text) {
        String to = receiver.replaceAll("[^0-9]", "");
        return pool.preparedQuery("""
                SELECT t.id, t.name, st.default_unit_id, st.auto_reply IS NOT NULL AS auto_reply
                FROM sms_tenant st JOIN tenant t ON t.id = st.tenant_id WHERE st.receiver = $1""")
                .execute(Tuple.of(to)).flatMap(rows -> {
                    if (rows.size() == 0) {
                        LOG.warnf("Incoming SMS %d to a number no tenant has; recorded without content", gatewayId);
                        return record(gatewayId, null, null, null, null, "unknown-receiver");
                    }
                    Row r = rows.iterator().next();
                    Tenant tenant = new Tenant(r.getUUID("id"), r.getString("name"), r.getUUID("default_unit_id"),
                            r.getBoolean("auto_reply"));
                    return keys.tenant(tenant.id()).flatMap(k -> receive(k, tenant, gatewayId, msisdn, text));
                });
    }

    private Uni<Void> receive(TenantKeys k, Tenant tenant, long gatewayId, String msisdn, String text) {
        PhoneNumber from;
        try {
            from = PhoneNumber.parse(msisdn);
        } catch (ProblemException e) {
            return record(gatewayId, tenant.id(), null, null, null, "invalid-sender");
        }
        String body = text == null ? "" : text;
        UUID row = inboundRow(gatewayId);
        byte[] fromEnc = k.seal(new Binding(tenant.id(), "sms_inbound", row, "msisdn"), from.e164());
        byte[] bodyEnc = k.seal(new Binding(tenant.id(), "sms_inbound", row, "body"), body);
        return record(gatewayId, tenant.id(), fromEnc, Phones.index(k, from), bodyEnc, "received")
                .flatMap(x -> phones.find(k, tenant.id(), from))
                .flatMap(owner -> {
                    if (owner == null) {
                        return unknownSender(k, tenant, gatewayId, from);
                    }
                    String keyword = body.strip().toUpperCase(Locale.ROOT);
                    if (STOP.contains(keyword) || START.contains(keyword)) {
                        boolean stop = STOP.contains(keyword);
                        LOG.infof("Incoming SMS %d: citizen %s opted %s", gatewayId, owner.citizenId(),
                                stop ? "out" : "in");
                        return phones.optOut(owner.citizenId(), stop)
                                .flatMap(x -> outcome(gatewayId, stop ? "opt-out" : "opt-in", null));
                    }
                    return post(k, tenant, owner.citizenId(), gatewayId, body);
                });
    }

    private Uni<Void> post(TenantKeys k, Tenant tenant, UUID citizenId, long gatewayId, String body) {
        return pool.preparedQuery("SELECT name_enc FROM citizen WHERE id = $1").execute(Tuple.of(citizenId))
                .flatMap(rows -> {
                    var enc = rows.iterator().next().getBuffer("name_enc");
                    String name = Citizens.name(k, tenant.id(), citizenId, enc == null ? null : enc.getBytes());
                    // the citizen, as MitID would have made them, but vouched for by their verified number
                    Caller citizen = new Caller(CallerKind.citizen, tenant.id(), tenant.name(), citizenId, name,
                            Set.of(), Set.of("citizen"), Instant.MAX);
                    return conversation(tenant, citizen).flatMap(conversationId -> {
                        if (conversationId == null) {
                            LOG.infof("Incoming SMS %d: the citizen has no open conversation and the tenant no "
                                    + "default unit; recorded for staff", gatewayId);
                            return outcome(gatewayId, "no-conversation", null);
                        }
                        return messages.post(citizen, conversationId, "sms-" + gatewayId, body, Message.Channel.sms)
                                .flatMap(p -> outcome(gatewayId, "message", p.ack().messageId()))
                                .onFailure(ProblemException.class).recoverWithUni(e -> {
                                    // e.g. an empty SMS: recorded, not a message
                                    String code = ((ProblemException) e).code().code();
                                    LOG.infof("Incoming SMS %d not posted: %s", gatewayId, code);
                                    return outcome(gatewayId, code, null);
                                });
                    });
                });
    }

    /** The citizen's open conversation (SMS policies first, then most recent), or a new one in the default unit. */
    private Uni<UUID> conversation(Tenant tenant, Caller citizen) {
        return pool
                .preparedQuery(
                        """
                                SELECT id FROM conversation WHERE tenant_id = $1 AND citizen_id = $2 AND status = 'open' AND parties <> 'guardians'
                                ORDER BY (channel_policy <> 'app') DESC, updated_at DESC LIMIT 1""")
                .execute(Tuple.of(tenant.id(), citizen.id())).flatMap(rows -> {
                    if (rows.size() > 0) {
                        return Uni.createFrom().item(rows.iterator().next().getUUID("id"));
                    }
                    if (tenant.defaultUnit() == null) {
                        return Uni.createFrom().nullItem();
                    }
                    return conversations.open(citizen, tenant.defaultUnit(), null, "SMS")
                            // the citizen wrote by SMS: answers go back by SMS
                            .flatMap(v -> pool.preparedQuery(
                                    "UPDATE conversation SET channel_policy = 'sms' WHERE id = $1")
                                    .execute(Tuple.of(v.id())).replaceWith(v.id()));
                });
    }

    private Uni<Void> unknownSender(TenantKeys k, Tenant tenant, long gatewayId, PhoneNumber from) {
        metrics.outcome("inbound:unknown-sender");
        LOG.infof("Incoming SMS %d from a number no citizen of the tenant has; recorded%s", gatewayId,
                tenant.autoReply() ? ", auto-reply queued" : "");
        Uni<Void> reply = Uni.createFrom().voidItem();
        if (tenant.autoReply()) {
            // one auto-reply per incoming SMS, even when the webhook is delivered again
            UUID notice = UUID.nameUUIDFromBytes(("auto-reply:" + gatewayId).getBytes(StandardCharsets.UTF_8));
            Instant now = Times.now(clock);
            reply = pool.preparedQuery("""
                    INSERT INTO sms_notice (id, tenant_id, kind, msisdn_enc, state, due_at, created_at, updated_at)
                    VALUES ($1, $2, 'auto-reply', $3, 'queued', $4, $4, $4) ON CONFLICT (id) DO NOTHING""")
                    .execute(Tuple.of(notice, tenant.id(),
                            Buffer.buffer(
                                    k.seal(new Binding(tenant.id(), "sms_notice", notice, "msisdn"), from.e164())),
                            Times.utc(now)))
                    .replaceWithVoid();
        }
        return reply.flatMap(x -> outcome(gatewayId, "unknown-sender", null));
    }

    private Uni<Void> record(long gatewayId, UUID tenant, byte[] fromEnc, byte[] fromIndex, byte[] bodyEnc,
            String outcome) {
        return pool
                .preparedQuery(
                        """
                                INSERT INTO sms_inbound (gateway_id, tenant_id, msisdn_enc, msisdn_index, body_enc, outcome, received_at)
                                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (gateway_id) DO NOTHING""")
                .execute(Tuple.tuple(java.util.Arrays.asList(gatewayId, tenant, buffer(fromEnc), buffer(fromIndex),
                        buffer(bodyEnc), outcome, Times.utc(Times.now(clock)))))
                .invoke(() -> metrics.outcome("inbound:" + outcome)).replaceWithVoid();
    }

    /**
     * Records what became of an incoming SMS. One that became a message loses its text here: the message holds
     * it, under its conversation's key, and a copy under the tenant key would outlive the conversation's
     * deletion in a backup.
     */
    private Uni<Void> outcome(long gatewayId, String outcome, UUID messageId) {
        return pool.preparedQuery("""
                UPDATE sms_inbound SET outcome = $2, message_id = coalesce($3, message_id),
                       body_enc = CASE WHEN $3::uuid IS NULL THEN body_enc END
                WHERE gateway_id = $1""").execute(Tuple.of(gatewayId, outcome, messageId)).replaceWithVoid();
    }

    /** The row id that binds an inbound SMS's sealed values (the gateway's id is a number). */
    static UUID inboundRow(long gatewayId) {
        return UUID.nameUUIDFromBytes(("sms-inbound:" + gatewayId).getBytes(StandardCharsets.UTF_8));
    }

    private static Buffer buffer(byte[] b) {
        return b == null ? null : Buffer.buffer(b);
    }
}
