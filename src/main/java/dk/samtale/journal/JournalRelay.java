package dk.samtale.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.Fanout;
import dk.samtale.conversation.Route;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.platform.Backoff;
import dk.samtale.platform.Relay;

/**
 * Delivers journal entries to the case systems that asked for push. At-least-once and safe with several
 * replicas: each round leases due deliveries ({@code FOR UPDATE SKIP LOCKED}, so two relays never take
 * the same row; the lease survives the statement), posts them through {@link CaseJournal}, then records
 * the outcome. A relay that dies in between leaves its lease to run out, and the entry is delivered
 * again with the same idempotency key. Failures back off exponentially with full jitter (or as the
 * receiver's Retry-After says) and become dead letters after {@code max-attempts}.
 */
@ApplicationScoped
public class JournalRelay {

    private static final Logger LOG = Logger.getLogger(JournalRelay.class);

    private final AgroalDataSource db;
    private final ConversationKeys keys;
    private final CaseJournal caseJournal;
    private final JournalConfig.Push config;
    private final Fanout fanout;
    private final Counter delivered;
    private final Counter retried;
    private final Counter dead;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestSeconds = new AtomicLong();
    private final AtomicInteger configuredTenants = new AtomicInteger();
    /** Bumped by {@link #halt()}: a round of an older generation records nothing (as if it had died). */
    private final AtomicInteger generation = new AtomicInteger();
    private volatile boolean halted;
    private boolean announced;
    private final Relay<String> relay;
    private final Backoff backoff;

    JournalRelay(AgroalDataSource db, ConversationKeys keys, CaseJournal caseJournal, JournalConfig config,
            Fanout fanout,
            JournalSequencer sequencer, MeterRegistry metrics) {
        this.db = db;
        this.keys = keys;
        this.caseJournal = caseJournal;
        this.config = config.push();
        this.fanout = fanout;
        this.delivered = Counter.builder("samtale.journal.push.delivered").register(metrics);
        this.retried = Counter.builder("samtale.journal.push.failures")
                .description("Push attempts that failed and will be retried").register(metrics);
        this.dead = Counter.builder("samtale.journal.push.dead").description("Deliveries that became dead letters")
                .register(metrics);
        Gauge.builder("samtale.journal.push.backlog", backlog, AtomicLong::get)
                .description("Entries waiting to be pushed").register(metrics);
        Gauge.builder("samtale.journal.push.lag.seconds", oldestSeconds, AtomicLong::get)
                .description("Age of the oldest entry waiting to be pushed").register(metrics);
        Gauge.builder("samtale.journal.push.tenants", configuredTenants, AtomicInteger::get)
                .description("Tenants with a push endpoint (0: the push adapter is not in use)").register(metrics);
        this.backoff = new Backoff(this.config.baseBackoff(), this.config.maxBackoff());
        // one key: deliveries are claimed with a lease, so every replica can run the same relay; the poll
        // also refreshes the gauges (once per interval, not per wake)
        this.relay = new Relay<>("journal-relay", Duration.ZERO, this.config.interval(), key -> pass(), () -> {
            measureQuietly();
            return List.of("due");
        }, metrics);
        sequencer.afterBatch(this::wake);
    }

    void start(@Observes StartupEvent start) {
        if (!config.enabled()) {
            LOG.info("Journal push relay disabled on this replica (samtale.journal.push.enabled=false)");
            return;
        }
        relay.start();
    }

    @PreDestroy
    void stop() {
        relay.stop();
    }

    /** Tenants with a push endpoint, as of the last round (for health). */
    public int configuredTenants() {
        return configuredTenants.get();
    }

    /** Run a round soon (new entries were made). */
    public void wake() {
        if (config.enabled()) {
            relay.wake("due");
        }
    }

    /**
     * Stops recording outcomes at once, as a crash between posting and recording would; what is in
     * flight stays leased until the lease runs out. For operators draining a replica and for tests.
     */
    public void halt() {
        halted = true;
        generation.incrementAndGet();
    }

    public void resume() {
        halted = false;
        wake();
    }

    private record Due(UUID entryId, UUID tenantId, int attempts) {
    }

    /** One batch: lease, post, record. A failure fails the pass; the relay retries after a backoff. */
    private Relay.Pass pass() throws SQLException {
        if (halted) {
            return Relay.Pass.DONE;
        }
        int gen = generation.get();
        List<Due> due = lease();
        if (!due.isEmpty()) {
            deliver(due, gen);
        }
        return due.size() >= config.batchSize() && !halted && gen == generation.get()
                ? Relay.Pass.MORE
                : Relay.Pass.DONE;
    }

    private List<Due> lease() throws SQLException {
        List<Due> due = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement(
                        """
                                WITH due AS (
                                  SELECT entry_id FROM journal_delivery
                                  WHERE state = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                                  ORDER BY next_attempt_at, tenant_id, position LIMIT ? FOR UPDATE SKIP LOCKED)
                                UPDATE journal_delivery d SET lease_until = now() + make_interval(secs => ?), attempts = d.attempts + 1
                                FROM due WHERE d.entry_id = due.entry_id
                                RETURNING d.entry_id, d.tenant_id, d.attempts""")) {
            st.setInt(1, config.batchSize());
            st.setDouble(2, config.lease().toMillis() / 1000.0);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    due.add(new Due(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getInt(3)));
                }
            }
        }
        return due;
    }

    private void deliver(List<Due> due, int gen) throws SQLException {
        Map<UUID, String> entries = new HashMap<>(); // entry id -> item json
        Map<UUID, CaseJournal.Endpoint> endpoints = new HashMap<>(); // entry id -> where it goes (null: nowhere)
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement(
                        """
                                SELECT e.id, e.tenant_id, e.item_head, e.payload_enc, e.item_tail, s.push_url, t.slug,
                                       s.push_auth, s.token_url, s.client_id, s.scope, e.conversation_id
                                FROM journal_entry e
                                JOIN journal_settings s ON s.tenant_id = e.tenant_id JOIN tenant t ON t.id = e.tenant_id
                                WHERE e.id = ANY(?)""")) {
            st.setArray(1, c.createArrayOf("uuid", due.stream().map(Due::entryId).toArray()));
            Map<UUID, EntryKeys> keysOf = new HashMap<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    UUID tenant = rs.getObject(2, UUID.class);
                    EntryKeys k = keysOf.computeIfAbsent(tenant, t -> new EntryKeys(keys, t));
                    entries.put(id, k.json(rs.getObject(12, UUID.class), id, rs.getString(3), rs.getBytes(4),
                            rs.getString(5)));
                    endpoints.put(id, PushSettings.endpoint(rs.getString(7), rs.getString(6), rs.getString(8),
                            rs.getString(9), rs.getString(10), rs.getString(11)));
                }
            }
        }
        List<Object[]> outcomes = new ArrayList<>();
        for (Due d : due) {
            CaseJournal.Endpoint endpoint = endpoints.get(d.entryId());
            CaseJournal.Outcome outcome = endpoint == null
                    ? new CaseJournal.Outcome.Retry(null, null, "no push endpoint configured")
                    : caseJournal.deliver(endpoint, d.entryId(), entries.get(d.entryId()));
            outcomes.add(new Object[]{d, outcome});
        }
        if (gen != generation.get()) {
            return; // halted while posting: record nothing, as a crashed relay would
        }
        List<UUID> deliveredIds = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            for (Object[] o : outcomes) {
                Due d = (Due) o[0];
                CaseJournal.Outcome outcome = (CaseJournal.Outcome) o[1];
                if (outcome instanceof CaseJournal.Outcome.Delivered ok) {
                    try (PreparedStatement st = c.prepareStatement("""
                            UPDATE journal_delivery SET state = 'delivered', delivered_at = now(), lease_until = NULL,
                                last_status = ?, last_error = NULL WHERE entry_id = ? AND state = 'pending'""")) {
                        st.setInt(1, ok.status());
                        st.setObject(2, d.entryId());
                        st.executeUpdate();
                    }
                    delivered.increment();
                    deliveredIds.add(d.entryId());
                } else if (outcome instanceof CaseJournal.Outcome.Retry r && d.attempts() < config.maxAttempts()) {
                    retried.increment();
                    long delay = backoff.delay(d.attempts(), r.retryAfter()).toMillis();
                    try (PreparedStatement st = c.prepareStatement(
                            """
                                    UPDATE journal_delivery SET next_attempt_at = now() + make_interval(secs => ?),
                                        lease_until = NULL, last_status = ?, last_error = ? WHERE entry_id = ? AND state = 'pending'""")) {
                        st.setDouble(1, delay / 1000.0);
                        st.setObject(2, r.status());
                        st.setString(3, r.reason());
                        st.setObject(4, d.entryId());
                        st.executeUpdate();
                    }
                } else if (outcome instanceof CaseJournal.Outcome.Retry r) {
                    dead(c, d, r.status(), r.reason() + " (attempts exhausted)");
                } else if (outcome instanceof CaseJournal.Outcome.Rejected r) {
                    dead(c, d, r.status(), r.reason() + " (rejected)");
                }
            }
        }
        publishAcknowledged(deliveredIds);
    }

    private void dead(Connection c, Due d, Integer status, String reason) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                UPDATE journal_delivery SET state = 'dead', lease_until = NULL, last_status = ?, last_error = ?
                WHERE entry_id = ? AND state = 'pending'""")) {
            st.setObject(1, status);
            st.setString(2, reason);
            st.setObject(3, d.entryId());
            st.executeUpdate();
        }
        dead.increment();
        LOG.warnf("Journal entry %s of tenant %s is a dead letter after %d attempts: %s", d.entryId(), d.tenantId(),
                d.attempts(), reason);
    }

    private void publishAcknowledged(List<UUID> entryIds) throws SQLException {
        if (entryIds.isEmpty()) {
            return;
        }
        List<ConversationEvent> events = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement("""
                        SELECT e.tenant_id, e.message_id, e.conversation_id, m.seq, cv.unit_id, cv.citizen_id
                        FROM journal_entry e JOIN message m ON m.id = e.message_id
                        JOIN conversation cv ON cv.id = e.conversation_id WHERE e.id = ANY(?)""")) {
            st.setArray(1, c.createArrayOf("uuid", entryIds.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    events.add(JournalStateEvent.of(new Route(rs.getObject(1, UUID.class),
                            rs.getObject(5, UUID.class), rs.getObject(6, UUID.class), rs.getObject(3, UUID.class)),
                            rs.getObject(2, UUID.class), rs.getLong(4), "acknowledged"));
                }
            }
        }
        events.forEach(fanout::publish);
    }

    /** Backlog, lag and configured tenants for the gauges and health: once per interval, not per wake. */
    private void measureQuietly() {
        try {
            measure();
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("journal push gauges not updated (%s)", e.getClass().getSimpleName());
        }
    }

    private void measure() throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement("""
                        SELECT (SELECT count(*) FROM journal_delivery WHERE state = 'pending'),
                               (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::bigint
                                  FROM journal_delivery WHERE state = 'pending'),
                               (SELECT count(*) FROM journal_settings WHERE push_url IS NOT NULL)""");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            backlog.set(rs.getLong(1));
            oldestSeconds.set(rs.getLong(2));
            int tenants = rs.getInt(3);
            if (tenants != configuredTenants.getAndSet(tenants) || !announced) {
                announced = true;
                LOG.infof(tenants == 0
                        ? "Journal push disabled: no tenant has a push endpoint (entries are served by the pull feed)"
                        : "Journal push enabled for %d tenant(s)", tenants);
            }
        }
    }
}
