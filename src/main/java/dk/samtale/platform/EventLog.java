package dk.samtale.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Drives every {@link EventConsumer} through the conversation event log ({@code conversation_event},
 * written by the message statement and by lifecycle changes), one {@link Relay} per consumer, one pass
 * per tenant at a time.
 *
 * <p>
 * <b>Order without a hot row.</b> Events are ordered by (tx, id): the writing transaction's id, then a
 * sequence. A pass reads only events whose transaction is older than every transaction still running
 * ({@code tx < pg_snapshot_xmin(pg_current_snapshot())}): those are all settled, so an event that
 * commits later always sorts after the cursor. The message transaction touches no per-tenant row; the
 * price is that a consumer sees an event once the transactions that began before its commit have
 * ended (milliseconds on this path). Within a batch, events are handed over by id, which follows a
 * conversation's seq (the sequence is taken under the conversation's row lock).
 *
 * <p>
 * <b>Exactly once.</b> A pass is one JDBC transaction: {@code pg_try_advisory_xact_lock} on (consumer,
 * tenant) — another replica holding it makes the pass busy —, the events after the cursor, the
 * consumer's own writes, the cursor's move; then commit, then the consumer's after-commit action.
 *
 * <p>
 * <b>Pruning.</b> Events every consumer has passed are deleted every {@code prune-interval}: the log is
 * the contract between the message path and its consumers, not an archive (the message, the journal
 * and each feature's own tables are the record).
 */
@ApplicationScoped
public class EventLog {

    private static final Logger LOG = Logger.getLogger(EventLog.class);
    /** The advisory lock space of log consumers ("EVLG"); the second key hashes consumer and tenant. */
    private static final int LOCK_SPACE = 0x45564c47;

    private static final String READ = """
            SELECT e.tx::text, e.id, e.conversation_id, e.unit_id, e.citizen_id, e.kind, e.message_id, e.seq,
                   e.actor_kind, e.actor_id, e.created_at, e.detail::text
            FROM conversation_event e
            WHERE e.tenant_id = ? AND (e.tx, e.id) > (?::text::xid8, ?)
              AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY e.tx, e.id LIMIT ?""";

    private final AgroalDataSource db;
    private final List<EventConsumer> consumers;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Duration pruneInterval;
    private final Counter pruned;
    private final List<Relay<UUID>> relays = new ArrayList<>();
    private ScheduledExecutorService pruner;

    EventLog(AgroalDataSource db, Instance<EventConsumer> consumers, ObjectMapper json, MeterRegistry metrics,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "samtale.eventlog.prune-interval", defaultValue = "5s") Duration pruneInterval) {
        this.db = db;
        this.consumers = consumers.stream().sorted(Comparator.comparing(EventConsumer::name)).toList();
        this.json = json;
        this.metrics = metrics;
        this.pruneInterval = pruneInterval;
        this.pruned = Counter.builder("samtale.eventlog.pruned").description("Events every consumer had passed")
                .register(metrics);
    }

    void start(@Observes StartupEvent start) {
        for (EventConsumer c : consumers) {
            Relay<UUID> relay = new Relay<>("eventlog-" + c.name(), c.coalesce(), c.pollInterval(),
                    tenant -> pass(c, tenant), () -> behind(c), metrics);
            relays.add(relay);
            relay.start();
        }
        pruner = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("eventlog-prune"));
        long every = pruneInterval.toMillis();
        pruner.scheduleWithFixedDelay(this::pruneQuietly, every, every, TimeUnit.MILLISECONDS);
        LOG.infof("Event log consumers: %s", consumers.stream().map(EventConsumer::name).toList());
    }

    @PreDestroy
    void stop() {
        relays.forEach(Relay::stop);
        if (pruner != null) {
            pruner.shutdownNow();
        }
    }

    /**
     * Events of this tenant committed: every consumer runs soon. Called after commit on the writing
     * replica and, through the fan-out, on every other replica; the poll covers a lost wake.
     */
    public void wake(UUID tenantId) {
        for (Relay<UUID> r : relays) {
            r.wake(tenantId);
        }
    }

    /** One consumer's pass over one tenant's next events. Package-private for tests. */
    Relay.Pass pass(EventConsumer consumer, UUID tenantId) throws SQLException {
        Runnable after;
        int handled;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!locked(c, consumer, tenantId)) {
                    c.rollback();
                    return Relay.Pass.BUSY;
                }
                String[] cursor = cursor(c, consumer, tenantId);
                List<LoggedEvent> events = new ArrayList<>();
                String[] last = read(c, tenantId, cursor, consumer.batchSize(), events);
                if (events.isEmpty()) {
                    c.rollback();
                    return Relay.Pass.DONE;
                }
                events.sort(Comparator.comparingLong(LoggedEvent::id));
                after = consumer.handle(c, tenantId, events);
                move(c, consumer, tenantId, last);
                c.commit();
                handled = events.size();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        if (after != null) {
            try {
                after.run();
            } catch (RuntimeException e) {
                LOG.warnf("Event consumer %s: after-commit action failed (%s)", consumer.name(),
                        e.getClass().getSimpleName());
            }
        }
        return handled >= consumer.batchSize() ? Relay.Pass.MORE : Relay.Pass.DONE;
    }

    private static boolean locked(Connection c, EventConsumer consumer, UUID tenantId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, hashtext(?))")) {
            st.setInt(1, LOCK_SPACE);
            st.setString(2, consumer.name() + ":" + tenantId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static String[] cursor(Connection c, EventConsumer consumer, UUID tenantId) throws SQLException {
        try (PreparedStatement st = c
                .prepareStatement("SELECT tx::text, id FROM event_cursor WHERE consumer = ? AND tenant_id = ?")) {
            st.setString(1, consumer.name());
            st.setObject(2, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new String[]{rs.getString(1), Long.toString(rs.getLong(2))} : new String[]{"0", "0"};
            }
        }
    }

    /** Reads the next events into {@code into}; returns the (tx, id) of the last one in log order. */
    private String[] read(Connection c, UUID tenantId, String[] cursor, int limit, List<LoggedEvent> into)
            throws SQLException {
        String[] last = null;
        try (PreparedStatement st = c.prepareStatement(READ)) {
            st.setObject(1, tenantId);
            st.setString(2, cursor[0]);
            st.setLong(3, Long.parseLong(cursor[1]));
            st.setInt(4, limit);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    last = new String[]{rs.getString(1), Long.toString(rs.getLong(2))};
                    long seq = rs.getLong(8);
                    Long seqOrNull = rs.wasNull() ? null : seq;
                    into.add(new LoggedEvent(rs.getLong(2), tenantId, rs.getObject(3, UUID.class),
                            rs.getObject(4, UUID.class), rs.getObject(5, UUID.class), rs.getString(6),
                            rs.getObject(7, UUID.class), seqOrNull, rs.getString(9), rs.getObject(10, UUID.class),
                            rs.getObject(11, OffsetDateTime.class).toInstant(), detail(rs.getString(12))));
                }
            }
        }
        return last;
    }

    private JsonNode detail(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable event detail", e);
        }
    }

    private static void move(Connection c, EventConsumer consumer, UUID tenantId, String[] last) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO event_cursor (consumer, tenant_id, tx, id) VALUES (?, ?, ?::text::xid8, ?)
                ON CONFLICT (consumer, tenant_id) DO UPDATE SET tx = EXCLUDED.tx, id = EXCLUDED.id""")) {
            st.setString(1, consumer.name());
            st.setObject(2, tenantId);
            st.setString(3, last[0]);
            st.setLong(4, Long.parseLong(last[1]));
            st.executeUpdate();
        }
    }

    /**
     * Of these conversations, those with events in the log that {@code consumer} has not passed yet, read on
     * the caller's connection: a feature that must not delete a conversation before a consumer has handled
     * all of it (retention waits for the journal) asks here instead of reading the log itself.
     */
    public java.util.Set<UUID> unpassed(Connection c, String consumer, UUID tenantId,
            java.util.Collection<UUID> conversationIds) throws SQLException {
        java.util.Set<UUID> out = new java.util.HashSet<>();
        try (PreparedStatement st = c.prepareStatement("""
                SELECT DISTINCT e.conversation_id FROM conversation_event e
                LEFT JOIN event_cursor k ON k.consumer = ? AND k.tenant_id = e.tenant_id
                WHERE e.tenant_id = ? AND e.conversation_id = ANY(?)
                  AND (k.tenant_id IS NULL OR (e.tx, e.id) > (k.tx, k.id))""")) {
            st.setString(1, consumer);
            st.setObject(2, tenantId);
            st.setArray(3, c.createArrayOf("uuid", conversationIds.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return out;
    }

    /** Tenants with events after this consumer's cursor (the poll). */
    private List<UUID> behind(EventConsumer consumer) throws SQLException {
        List<UUID> tenants = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement("""
                        SELECT DISTINCT e.tenant_id FROM conversation_event e
                        LEFT JOIN event_cursor k ON k.consumer = ? AND k.tenant_id = e.tenant_id
                        WHERE k.tenant_id IS NULL OR (e.tx, e.id) > (k.tx, k.id)""")) {
            st.setString(1, consumer.name());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    tenants.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return tenants;
    }

    private void pruneQuietly() {
        try {
            prune();
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("Event log not pruned this time (%s)", e.getClass().getSimpleName());
        }
    }

    /** Deletes the events of each tenant that every consumer has passed. Package-private for tests. */
    int prune() throws SQLException {
        if (consumers.isEmpty()) {
            return 0;
        }
        String[] names = consumers.stream().map(EventConsumer::name).toArray(String[]::new);
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement(
                        """
                                WITH complete AS (
                                  SELECT tenant_id FROM event_cursor WHERE consumer = ANY(?)
                                  GROUP BY tenant_id HAVING count(*) = ?),
                                low AS (
                                  SELECT t.tenant_id, m.tx, m.id FROM complete t, LATERAL (
                                    SELECT k.tx, k.id FROM event_cursor k WHERE k.tenant_id = t.tenant_id AND k.consumer = ANY(?)
                                    ORDER BY k.tx, k.id LIMIT 1) m)
                                DELETE FROM conversation_event e USING low
                                WHERE e.tenant_id = low.tenant_id AND (e.tx, e.id) <= (low.tx, low.id)""")) {
            java.sql.Array array = c.createArrayOf("text", names);
            st.setArray(1, array);
            st.setInt(2, names.length);
            st.setArray(3, array);
            int n = st.executeUpdate();
            pruned.increment(n);
            return n;
        }
    }
}
