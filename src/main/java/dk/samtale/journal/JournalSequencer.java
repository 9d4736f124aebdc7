package dk.samtale.journal;

import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.Fanout;
import dk.samtale.conversation.Route;
import dk.samtale.crypto.Binding;
import dk.samtale.crypto.KeyRing;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;
import dk.samtale.platform.DaemonThreads;
import dk.samtale.platform.Uuid7;

/**
 * Turns outbox rows into chained, signed journal entries, one tenant at a time, after the messages'
 * commits (the message transaction never touches a per-tenant row).
 *
 * <p>
 * A batch is one transaction under {@code pg_try_advisory_xact_lock} on the tenant, so with several
 * replicas exactly one sequences a tenant at a time: it reads the chain head and up to
 * {@code batch-size} outbox rows in outbox order, assigns the next positions, encodes, hashes, signs
 * (and encrypts to the case system's certificate), inserts the entries, deletes the outbox rows and
 * advances the head — all or nothing. Woken by every committed message (the fan-out reaches every
 * replica), with a periodic poll as a safety net. Runs on its own thread: JDBC and Bouncy Castle
 * block, and must never run on the event loop.
 */
@ApplicationScoped
public class JournalSequencer {

    private static final Logger LOG = Logger.getLogger(JournalSequencer.class);
    /** The advisory lock space of the journal ("JRNL"); the second key is the tenant's hash. */
    private static final int LOCK_SPACE = 0x4a524e4c;
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final AgroalDataSource db;
    private final KeyRing keys;
    private final JournalSigner signer;
    private final JournalConfig config;
    private final Fanout fanout;
    private final Clock clock;
    private final Timer lag;
    private final Counter sequenced;
    private final Set<UUID> dirty = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService worker = Executors
            .newSingleThreadScheduledExecutor(DaemonThreads.named("journal-sequencer"));
    private volatile Runnable afterBatch = () -> {
    };

    JournalSequencer(AgroalDataSource db, KeyRing keys, JournalSigner signer, JournalConfig config, Fanout fanout,
            Clock clock, MeterRegistry metrics) {
        this.db = db;
        this.keys = keys;
        this.signer = signer;
        this.config = config;
        this.fanout = fanout;
        this.clock = clock;
        this.lag = Timer.builder("samtale.journal.lag")
                .description("From a message's commit to its journal entry (position, hash, signature)")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(metrics);
        this.sequenced = Counter.builder("samtale.journal.entries").description("Journal entries made")
                .register(metrics);
    }

    void start(@Observes StartupEvent start) {
        fanout.subscribe(event -> {
            if (event instanceof ConversationEvent.MessagePosted p) {
                wake(p.route().tenantId());
            }
        });
        long every = config.pollInterval().toMillis();
        worker.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    /** Called after each committed batch that made push deliveries (the relay starts at once). */
    void afterBatch(Runnable r) {
        this.afterBatch = r;
    }

    /** Sequence the tenant soon; many wakes before the run coalesce into one. */
    public void wake(UUID tenantId) {
        if (dirty.add(tenantId)) {
            worker.schedule(() -> runTenant(tenantId), config.coalesce().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void poll() {
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT DISTINCT tenant_id FROM journal_outbox");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                wake(rs.getObject(1, UUID.class));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Journal poll failed (%s); next poll in %s", e.getClass().getSimpleName(), config.pollInterval());
        }
    }

    private void runTenant(UUID tenantId) {
        dirty.remove(tenantId);
        try {
            Batch b;
            do {
                b = sequence(tenantId);
                if (b.locked()) {
                    // another replica is sequencing this tenant; look again shortly in case it just finished
                    worker.schedule(() -> wake(tenantId), 200, TimeUnit.MILLISECONDS);
                    return;
                }
                b.published().forEach(fanout::publish);
                if (b.entries() > 0 && b.push()) {
                    afterBatch.run(); // deliveries were made: the relay starts at once
                }
            } while (b.entries() >= config.batchSize());
        } catch (Exception e) {
            LOG.errorf("Journal sequencing of tenant %s failed (%s: %s); retrying at the next poll", tenantId,
                    e.getClass().getSimpleName(), e.getMessage());
        }
    }

    private record Batch(int entries, boolean locked, List<ConversationEvent> published, List<Instant> committed,
            boolean push) {
    }

    private record Pending(long outboxId, UUID messageId, UUID conversationId, long seq, String senderKind,
            UUID senderId, byte[] bodyEnc, String channel, Instant createdAt, String subject, String caseNumber,
            String kleClass, String actionFacet, UUID unitId, UUID citizenId, byte[] cprEnc, byte[] citizenNameEnc,
            String staffName) {
    }

    /** One batch for one tenant, in one transaction. Package-private for tests. */
    Batch sequence(UUID tenantId) throws SQLException {
        TenantKeys tenantKeys = keys.tenant(tenantId).await().atMost(Duration.ofSeconds(30));
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                Batch b = sequence(c, tenantId, tenantKeys);
                c.commit();
                // the lag ends when the entry is committed: from then on the case system can have it
                Instant now = clock.instant();
                b.committed().forEach(at -> lag.record(Duration.between(at, now)));
                return b;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private Batch sequence(Connection c, UUID tenantId, TenantKeys tenantKeys) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, LOCK_SPACE);
            lock.setString(2, tenantId.toString());
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return new Batch(0, true, List.of(), List.of(), false);
                }
            }
        }
        long position = 0;
        byte[] head = null;
        try (PreparedStatement st = c.prepareStatement("SELECT position, hash FROM journal_head WHERE tenant_id = ?")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    position = rs.getLong(1);
                    head = rs.getBytes(2);
                }
            }
        }
        String previous = head == null ? ChainVerifier.GENESIS : Jws.hex(head);
        String slug = null;
        X509Certificate recipient = null;
        boolean push = false;
        try (PreparedStatement st = c.prepareStatement("""
                SELECT t.slug, s.recipient_certificate, s.push_url FROM tenant t
                LEFT JOIN journal_settings s ON s.tenant_id = t.id WHERE t.id = ?""")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                slug = rs.getString(1);
                String cert = rs.getString(2);
                recipient = cert == null ? null : RecipientEnvelope.certificate(cert);
                push = rs.getString(3) != null;
            }
        }
        List<Pending> pending = pending(c, tenantId);
        if (pending.isEmpty()) {
            return new Batch(0, false, List.of(), List.of(), push);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        OffsetDateTime nowDb = now.atOffset(ZoneOffset.UTC);
        List<ConversationEvent> events = new ArrayList<>(pending.size());
        List<Long> outboxIds = new ArrayList<>(pending.size());
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO journal_entry (id, tenant_id, position, message_id, conversation_id, previous_hash, hash,
                                           item_head, payload_enc, payload_key, item_tail, committed_at, sequenced_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())""");
                PreparedStatement delivery = c.prepareStatement("""
                        INSERT INTO journal_delivery (entry_id, tenant_id, position, state, next_attempt_at, created_at)
                        VALUES (?, ?, ?, 'pending', ?, ?)""")) {
            // a batch often holds several messages of one conversation: open each citizen's CPR and name once
            Map<UUID, JournalDocument.Party> parties = new HashMap<>();
            for (Pending p : pending) {
                position++;
                UUID entryId = Uuid7.next(clock);
                JournalDocument.Party party = parties.computeIfAbsent(p.citizenId(),
                        id -> new JournalDocument.Party(
                                tenantKeys.openOrNull(Binding.citizen(tenantId, id, "cpr"), p.cprEnc()),
                                tenantKeys.openOrNull(Binding.citizen(tenantId, id, "name"), p.citizenNameEnc())));
                JournalDocument doc = document(tenantId, slug, entryId, position, previous, p, party, tenantKeys, now);
                byte[] payload = JournalCodec.encode(doc);
                byte[] hash = Jws.sha256(payload);
                String hashHex = Jws.hex(hash);
                String envelope = recipient == null
                        ? null
                        : Base64.getEncoder().encodeToString(RecipientEnvelope.seal(recipient, payload));
                String payloadBase64 = Base64.getEncoder().encodeToString(payload);
                FeedItem item = new FeedItem(entryId, position, p.messageId(), p.conversationId(), hashHex, previous,
                        signer.sign(payload), payloadBase64, envelope);
                StoredEntry.Parts parts = StoredEntry.split(JournalCodec.encode(item), payloadBase64);
                insert.setObject(1, entryId);
                insert.setObject(2, tenantId);
                insert.setLong(3, position);
                insert.setObject(4, p.messageId());
                insert.setObject(5, p.conversationId());
                insert.setBytes(6, java.util.HexFormat.of().parseHex(previous));
                insert.setBytes(7, hash);
                insert.setString(8, parts.head());
                insert.setBytes(9, StoredEntry.seal(tenantKeys, tenantId, entryId, payload));
                insert.setInt(10, tenantKeys.activeKeyId());
                insert.setString(11, parts.tail());
                insert.setObject(12, p.createdAt().atOffset(ZoneOffset.UTC));
                insert.addBatch();
                if (push) {
                    delivery.setObject(1, entryId);
                    delivery.setObject(2, tenantId);
                    delivery.setLong(3, position);
                    delivery.setObject(4, nowDb);
                    delivery.setObject(5, nowDb);
                    delivery.addBatch();
                }
                previous = hashHex;
                head = hash;
                outboxIds.add(p.outboxId());
                events.add(new ConversationEvent.JournalStateChanged(
                        new Route(tenantId, p.unitId(), p.citizenId(), p.conversationId()), p.messageId(), p.seq(),
                        "journaled"));
            }
            insert.executeBatch();
            if (push) {
                delivery.executeBatch();
            }
        }
        try (PreparedStatement del = c
                .prepareStatement("DELETE FROM journal_outbox WHERE tenant_id = ? AND id = ANY(?)")) {
            del.setObject(1, tenantId);
            del.setArray(2, c.createArrayOf("bigint", outboxIds.toArray()));
            del.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO journal_head (tenant_id, position, hash) VALUES (?, ?, ?)
                ON CONFLICT (tenant_id) DO UPDATE SET position = EXCLUDED.position, hash = EXCLUDED.hash""")) {
            st.setObject(1, tenantId);
            st.setLong(2, position);
            st.setBytes(3, head);
            st.executeUpdate();
        }
        sequenced.increment(pending.size());
        return new Batch(pending.size(), false, events, pending.stream().map(Pending::createdAt).toList(), push);
    }

    private List<Pending> pending(Connection c, UUID tenantId) throws SQLException {
        List<Pending> list = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("""
                SELECT o.id, o.message_id, m.conversation_id, m.seq, m.sender_kind, m.sender_id, m.body_enc, m.channel,
                       m.created_at, c.subject, c.case_number, c.kle_class, c.action_facet, c.unit_id, c.citizen_id,
                       ci.cpr_enc, ci.name_enc, s.name
                FROM journal_outbox o
                JOIN message m ON m.id = o.message_id
                JOIN conversation c ON c.id = m.conversation_id
                JOIN citizen ci ON ci.id = c.citizen_id
                LEFT JOIN staff_member s ON m.sender_kind = 'staff' AND s.id = m.sender_id
                WHERE o.tenant_id = ? ORDER BY o.id LIMIT ?""")) {
            st.setObject(1, tenantId);
            st.setInt(2, config.batchSize());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    list.add(new Pending(rs.getLong(1), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                            rs.getLong(4), rs.getString(5), rs.getObject(6, UUID.class), rs.getBytes(7),
                            rs.getString(8), rs.getObject(9, OffsetDateTime.class).toInstant(), rs.getString(10),
                            rs.getString(11), rs.getString(12), rs.getString(13), rs.getObject(14, UUID.class),
                            rs.getObject(15, UUID.class), rs.getBytes(16), rs.getBytes(17), rs.getString(18)));
                }
            }
        }
        return list;
    }

    private static JournalDocument document(UUID tenantId, String slug, UUID entryId, long position, String previous,
            Pending p, JournalDocument.Party party, TenantKeys k, Instant now) {
        String body = null;
        String bodyError = null;
        try {
            body = k.open(Binding.messageBody(tenantId, p.messageId()), p.bodyEnc());
        } catch (Unreadable e) {
            // journaled anyway: the entry proves the message existed, and says why its text is missing
            bodyError = e.reason().code();
        }
        boolean fromCitizen = p.senderKind().equals("citizen");
        String authorName = fromCitizen ? party.name() : p.staffName();
        return new JournalDocument(JournalDocument.VERSION, entryId, slug, position, previous, p.caseNumber(),
                p.kleClass(), p.actionFacet(), party, p.subject(),
                RFC3339.format(p.createdAt()), "besked", fromCitizen ? "received" : "sent", p.channel(),
                new JournalDocument.Author(p.senderKind(), p.senderId(), authorName), body, bodyError, List.of(),
                p.conversationId(), p.messageId(), p.seq(), RFC3339.format(now));
    }
}
