package dk.samtale.sms;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.conversation.Fanout;
import dk.samtale.conversation.Route;
import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;
import dk.samtale.platform.Backoff;
import dk.samtale.platform.Relay;
import dk.samtale.platform.Times;

/**
 * Sends what {@code sms_notice} holds, after commit and outside any message transaction. Each pass
 * claims due notices with {@code FOR UPDATE SKIP LOCKED} and a lease, so replicas never work on the same
 * notice; then, per notice, decides on committed state at that moment:
 * <ul>
 * <li>policy back to app → cancelled; app-then-sms and the citizen's app already has the message →
 * cancelled (no SMS needed);</li>
 * <li>no verified number, or the citizen sent STOP → failed (staff see it);</li>
 * <li>a notice while an earlier notice of the conversation is still unanswered (the citizen has neither
 * received anything in the app nor written since) → cancelled: at most one notice per window;</li>
 * <li>inside the tenant's quiet hours → held until they end (all held notices of a conversation then
 * become one);</li>
 * <li>otherwise sent; 5xx/429/timeouts retry with exponential backoff up to max-attempts.</li>
 * </ul>
 * Uses the injected {@link Clock} throughout, so tests control time.
 */
@ApplicationScoped
public class NoticeRelay {

    private static final Logger LOG = Logger.getLogger(NoticeRelay.class);

    private static final String CLAIM = """
            WITH due AS (
              SELECT n.id FROM sms_notice n
              WHERE n.state = 'queued' AND n.due_at <= $1 AND (n.lease_until IS NULL OR n.lease_until < $1)
                AND NOT EXISTS (SELECT 1 FROM sms_notice o WHERE o.conversation_id = n.conversation_id
                                AND o.id <> n.id AND o.state = 'queued' AND o.lease_until >= $1)
              ORDER BY n.due_at, n.seq LIMIT $3 FOR UPDATE SKIP LOCKED)
            UPDATE sms_notice n SET lease_until = $2 FROM due WHERE n.id = due.id
            RETURNING n.id, n.due_at, n.seq""";

    private static final String CONTEXT = """
            SELECT n.id, n.kind, n.escalate, n.seq, n.message_id, n.conversation_id, n.tenant_id, n.attempts,
                   n.msisdn_enc, tn.slug, st.sender, st.quiet_start, st.quiet_end, st.zone, st.body_allowed,
                   st.auto_reply, c.channel_policy, c.citizen_id, c.unit_id, u.name AS unit_name, p.phone_enc,
                   p.opted_out_at, m.body_enc, coalesce(m.sms_allowed, false) AS sms_allowed, m.retracted_at,
                   m.correction,
                   greatest(coalesce(rc.delivered_seq, 0), coalesce(rc.read_seq, 0)) AS seen_seq,
                   EXISTS (SELECT 1 FROM sms_notice o WHERE o.conversation_id = n.conversation_id AND o.id <> n.id
                           AND o.kind = 'notice' AND o.state IN ('sent', 'delivered')
                           AND o.seq > greatest(coalesce(rc.delivered_seq, 0), coalesce(rc.read_seq, 0),
                               coalesce((SELECT cm.seq FROM message cm WHERE cm.conversation_id = n.conversation_id
                                         AND cm.sender_kind = 'citizen' ORDER BY cm.seq DESC LIMIT 1), 0)))
                       AS notice_outstanding
            FROM sms_notice n
            JOIN tenant tn ON tn.id = n.tenant_id
            JOIN sms_tenant st ON st.tenant_id = n.tenant_id
            LEFT JOIN conversation c ON c.id = n.conversation_id
            LEFT JOIN unit u ON u.id = c.unit_id
            LEFT JOIN citizen_phone p ON p.citizen_id = c.citizen_id
            LEFT JOIN read_cursor rc ON rc.conversation_id = c.id AND rc.reader_id = c.citizen_id
            LEFT JOIN message m ON m.id = n.message_id
            WHERE n.id = $1""";

    private final Pool pool;
    private final ConversationKeys keys;
    private final SmsGateway gateway;
    private final Fanout fanout;
    private final Clock clock;
    private final SmsConfig config;
    private final SmsMetrics metrics;
    private final Relay<String> relay;
    private final Backoff backoff;
    private final AtomicBoolean running = new AtomicBoolean();

    NoticeRelay(Pool pool, ConversationKeys keys, SmsGateway gateway, Fanout fanout, Clock clock, SmsConfig config,
            SmsMetrics metrics, MeterRegistry registry) {
        this.pool = pool;
        this.keys = keys;
        this.gateway = gateway;
        this.fanout = fanout;
        this.clock = clock;
        this.config = config;
        this.metrics = metrics;
        this.backoff = new Backoff(config.backoff(), config.maxBackoff());
        // one key: notices are claimed with a lease, so every replica can run the same relay
        this.relay = new Relay<>("sms-relay", Duration.ZERO, config.pollInterval(), key -> pass(), () -> List.of("due"),
                registry);
    }

    void start(@Observes StartupEvent start) {
        if (!gateway.enabled()) {
            LOG.info("SMS disabled: no gateway token (samtale.sms.gatewayapi.token); notices stay queued");
            return;
        }
        relay.start();
        LOG.infof("SMS relay started (every %s)", config.pollInterval());
    }

    @PreDestroy
    void stop() {
        relay.stop();
    }

    private Relay.Pass pass() {
        int claimed = runOnce().await().atMost(Duration.ofSeconds(60));
        return claimed >= config.batchSize() ? Relay.Pass.MORE : Relay.Pass.DONE;
    }

    /**
     * One pass: claims due notices and handles them one after another (in due order, so the first notice
     * of a conversation decides whether later ones are covered). Returns how many were claimed; 0 also
     * when a pass is already running on this replica.
     */
    public Uni<Integer> runOnce() {
        if (!gateway.enabled() || !running.compareAndSet(false, true)) {
            return Uni.createFrom().item(0);
        }
        Instant now = Times.now(clock);
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(Times.utc(now), Times.utc(now.plus(config.lease())), config.batchSize()))
                .flatMap(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID("id")));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (UUID id : ids) {
                        chain = chain.flatMap(x -> handle(id).onFailure().recoverWithUni(e -> {
                            LOG.warnf("SMS notice %s could not be handled (%s); retried after its lease", id,
                                    e.getClass().getSimpleName());
                            return Uni.createFrom().voidItem();
                        }));
                    }
                    return chain.replaceWith(ids.size());
                })
                .call(n -> pool.preparedQuery("DELETE FROM sms_webhook_token WHERE expires_at < $1")
                        .execute(Tuple.of(Times.utc(now))))
                .eventually(() -> running.set(false));
    }

    private Uni<Void> handle(UUID id) {
        return pool.preparedQuery(CONTEXT).execute(Tuple.of(id)).flatMap(rows -> {
            if (rows.size() == 0) {
                // the tenant's SMS settings were removed: nothing can be sent
                return finish(id, null, "failed", "no-sms-settings", null);
            }
            Row r = rows.iterator().next();
            UUID conversation = r.getUUID("conversation_id"); // none for an auto-reply
            return keys.of(r.getUUID("tenant_id"), conversation == null ? List.of() : List.of(conversation))
                    .flatMap(k -> decide(r, k));
        });
    }

    private Uni<Void> decide(Row r, TenantKeys k) {
        UUID id = r.getUUID("id");
        UUID tenant = r.getUUID("tenant_id");
        String kind = r.getString("kind");
        Route route = route(r);
        String msisdn;
        String text;
        if (kind.equals("auto-reply")) {
            msisdn = open(k, new Binding(tenant, "sms_notice", id, "msisdn"), r, "msisdn_enc");
            text = r.getString("auto_reply");
            if (msisdn == null || text == null) {
                return finish(id, route, "failed", "no-recipient", null);
            }
        } else {
            long seq = r.getLong("seq");
            if ("app".equals(r.getString("channel_policy"))) {
                return finish(id, route, "cancelled", "policy-app", null);
            }
            if (r.getBoolean("escalate") && r.getLong("seen_seq") >= seq) {
                return finish(id, route, "cancelled", "seen-in-app", null);
            }
            if (r.getValue("phone_enc") == null) {
                return finish(id, route, "failed", "no-phone", null);
            }
            if (r.getValue("opted_out_at") != null) {
                return finish(id, route, "failed", "opted-out", null);
            }
            if (r.getValue("retracted_at") != null) {
                // the sender took it back before its SMS left (e.g. held for quiet hours): nothing goes
                return finish(id, route, "cancelled", "retracted", null);
            }
            // a corrected message's first text is wrong by definition: a notice goes instead of it
            boolean body = kind.equals("body") && r.getBoolean("sms_allowed") && r.getBoolean("body_allowed")
                    && r.getValue("correction") == null;
            if (body) {
                text = open(k, Binding.messageBody(tenant, r.getUUID("conversation_id"), r.getUUID("message_id")), r,
                        "body_enc");
                if (text == null) {
                    return finish(id, route, "failed", "body-unreadable", null);
                }
            } else {
                if (r.getBoolean("notice_outstanding")) {
                    return finish(id, route, "cancelled", "covered", null);
                }
                text = NoticeText.notice(r.getString("unit_name"));
            }
            msisdn = open(k, Phones.binding(tenant, r.getUUID("citizen_id")), r, "phone_enc");
            if (msisdn == null) {
                return finish(id, route, "failed", "phone-unreadable", null);
            }
        }
        Instant now = Times.now(clock);
        ZoneId zone = ZoneId.of(r.getString("zone"));
        Instant holdUntil = new QuietHours(r.getLocalTime("quiet_start"), r.getLocalTime("quiet_end"), zone)
                .holdUntil(now);
        if (holdUntil != null) {
            LOG.debugf("SMS notice %s held for quiet hours until %s", id, holdUntil);
            return pool.preparedQuery("UPDATE sms_notice SET due_at = $2, lease_until = NULL, updated_at = $3 "
                    + "WHERE id = $1").execute(Tuple.of(id, Times.utc(holdUntil), Times.utc(now))).replaceWithVoid();
        }
        Segments.Count count = Segments.count(text);
        var sms = new SmsGateway.OutgoingSms(r.getString("sender"), new PhoneNumber(msisdn).msisdn(), text,
                id.toString(), count);
        int attempts = r.getInteger("attempts") + 1;
        return gateway.send(sms).flatMap(sent -> {
            if (sent instanceof SmsGateway.Sent.Accepted a) {
                metrics.sent(r.getString("slug"), zone, now, count);
                metrics.outcome("sent");
                LOG.infof("SMS %s (%s) handed to the gateway as %d: %d segment(s) %s", id, kind, a.gatewayId(),
                        count.segments(), count.encoding());
                return pool.preparedQuery("""
                        UPDATE sms_notice SET state = 'sent', gateway_id = $2, segments = $3, sent_at = $4,
                            attempts = $5, lease_until = NULL, updated_at = $4
                        WHERE id = $1 AND state = 'queued' RETURNING id""")
                        .execute(Tuple.of(id, a.gatewayId(), count.segments(), Times.utc(now), attempts))
                        .invoke(rows -> {
                            if (rows.size() > 0) {
                                publish(route, r, "sent");
                            }
                        }).replaceWithVoid();
            }
            if (sent instanceof SmsGateway.Sent.Retry retry && attempts < config.maxAttempts()) {
                Duration wait = backoff(attempts);
                if (retry.maybeTaken() && wait.compareTo(config.uncertainRetryDelay()) < 0) {
                    // a delivery report in the meantime moves it out of queued, and it is not sent again
                    wait = config.uncertainRetryDelay();
                }
                LOG.infof("SMS %s not taken by the gateway (%s); attempt %d, retrying in %s", id, retry.reason(),
                        attempts, wait);
                metrics.outcome("retry");
                return pool.preparedQuery("UPDATE sms_notice SET attempts = $2, due_at = $3, lease_until = NULL, "
                        + "reason = $4, updated_at = $5 WHERE id = $1 AND state = 'queued'")
                        .execute(Tuple.of(id, attempts, Times.utc(now.plus(wait)), retry.reason(), Times.utc(now)))
                        .replaceWithVoid();
            }
            String reason = sent instanceof SmsGateway.Sent.Rejected rej ? rej.reason() : "gateway-gave-up";
            LOG.warnf("SMS %s failed after %d attempt(s): %s", id, attempts, reason);
            return finish(id, route, "failed", reason, attempts);
        });
    }

    Duration backoff(int attempts) {
        return backoff.delay(attempts, null);
    }

    private Uni<Void> finish(UUID id, Route route, String state, String reason, Integer attempts) {
        metrics.outcome(state + ":" + reason);
        LOG.debugf("SMS notice %s %s (%s)", id, state, reason);
        return pool.preparedQuery("""
                UPDATE sms_notice SET state = $2, reason = $3, attempts = coalesce($4, attempts), lease_until = NULL,
                    updated_at = $5
                WHERE id = $1 AND state = 'queued' RETURNING message_id, seq""")
                .execute(Tuple.of(id, state, reason, attempts, Times.utc(Times.now(clock))))
                .invoke(rows -> {
                    if (route != null && rows.size() > 0 && rows.iterator().next().getUUID("message_id") != null) {
                        Row r = rows.iterator().next();
                        fanout.publish(SmsStateEvent.of(route, r.getUUID("message_id"),
                                r.getLong("seq"), state.equals("cancelled") ? null : state));
                    }
                }).replaceWithVoid();
    }

    private void publish(Route route, Row r, String state) {
        if (route != null && r.getUUID("message_id") != null) {
            fanout.publish(SmsStateEvent.of(route, r.getUUID("message_id"), r.getLong("seq"),
                    state));
        }
    }

    private static Route route(Row r) {
        UUID conversation = r.getUUID("conversation_id");
        return conversation == null
                ? null
                : new Route(r.getUUID("tenant_id"), r.getUUID("unit_id"), r.getUUID("citizen_id"), conversation);
    }

    private static String open(TenantKeys k, Binding binding, Row r, String column) {
        var b = r.getBuffer(column);
        if (b == null) {
            return null;
        }
        try {
            return k.open(binding, b.getBytes());
        } catch (Unreadable e) {
            return null;
        }
    }

}
