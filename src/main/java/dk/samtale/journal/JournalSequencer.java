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
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.Fanout;
import dk.samtale.conversation.MessageFiles;
import dk.samtale.conversation.Route;
import dk.samtale.conversation.Subjects;
import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;
import dk.samtale.platform.EventConsumer;
import dk.samtale.platform.EventLog;
import dk.samtale.platform.LoggedEvent;
import dk.samtale.platform.Uuid7;

/**
 * Turns the conversation event log's message events into chained, signed journal entries, one tenant at
 * a time, after the messages' commits (the message transaction never touches a per-tenant row): the
 * journal's {@link EventConsumer} ({@code journal}).
 *
 * <p>
 * A batch is one transaction of {@link EventLog} (one consumer pass per tenant at a time, across
 * replicas): it reads the chain head, the batch's messages, assigns the next positions, encodes, hashes,
 * signs (and encrypts to the case system's certificate), inserts the entries and advances the head; the
 * log moves the journal's cursor in the same transaction — all or nothing. Woken by every committed
 * message (the fan-out reaches every replica), with a periodic poll as a safety net. Runs on the log's
 * thread for this consumer: JDBC and Bouncy Castle block, and must never run on the event loop.
 *
 * <p>
 * After commit it publishes one {@code journal-state} event per conversation of the batch (its newest
 * journaled seq), not one per entry: staff views only need to know how far a conversation is journaled.
 */
@ApplicationScoped
public class JournalSequencer implements EventConsumer {

    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final ConversationKeys keys;
    private final JournalSigner signer;
    private final JournalConfig config;
    private final Fanout fanout;
    private final Clock clock;
    private final Timer lag;
    private final Counter sequenced;
    private volatile Runnable afterBatch = () -> {
    };

    private final ConversationDocuments documents;
    private final MessageFiles files;

    JournalSequencer(ConversationKeys keys, JournalSigner signer, JournalConfig config, Fanout fanout, Clock clock,
            MeterRegistry metrics, ConversationDocuments documents, MessageFiles files) {
        this.documents = documents;
        this.files = files;
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

    @Override
    public String name() {
        return "journal";
    }

    @Override
    public int batchSize() {
        return config.batchSize();
    }

    @Override
    public Duration pollInterval() {
        return config.pollInterval();
    }

    @Override
    public Duration coalesce() {
        return config.coalesce();
    }

    /** Called after each committed batch that made push deliveries (the relay starts at once). */
    void afterBatch(Runnable r) {
        this.afterBatch = r;
    }

    @Override
    public Runnable handle(Connection c, UUID tenantId, List<LoggedEvent> events) throws SQLException {
        List<LoggedEvent> relevant = events.stream()
                .filter(e -> e.isMessage() || Lifecycle.handles(e) || Revision.handles(e)).toList();
        if (relevant.isEmpty()) {
            return null;
        }
        TenantKeys tenantKeys = keys
                .of(tenantId, relevant.stream().map(LoggedEvent::conversationId).distinct().toList())
                .await().atMost(Duration.ofSeconds(30));
        // messages in runs (one batch insert each), lifecycle events one by one between them: chain order is
        // event order
        List<Batch> batches = new ArrayList<>();
        List<LoggedEvent> run = new ArrayList<>();
        for (LoggedEvent e : relevant) {
            if (e.isMessage()) {
                run.add(e);
                continue;
            }
            if (!run.isEmpty()) {
                batches.add(sequence(c, tenantId, tenantKeys, run));
                run = new ArrayList<>();
            }
            batches.add(
                    Revision.handles(e) ? revision(c, tenantId, tenantKeys, e) : lifecycle(c, tenantId, tenantKeys, e));
        }
        if (!run.isEmpty()) {
            batches.add(sequence(c, tenantId, tenantKeys, run));
        }
        return () -> {
            // the lag ends when the entry is committed: from then on the case system can have it
            Instant now = clock.instant();
            boolean push = false;
            for (Batch b : batches) {
                b.committed().forEach(at -> lag.record(Duration.between(at, now)));
                b.published().forEach(fanout::publish);
                push |= b.entries() > 0 && b.push();
            }
            if (push) {
                afterBatch.run(); // deliveries were made: the relay starts at once
            }
        };
    }

    /**
     * A lifecycle entry (opened, closed, reopened, transferred, case reference set or changed) and, for a
     * close, the conversation document: rendered here, on the sequencer's transaction, so it covers exactly
     * the message entries made before it; once per (conversation, last seq) (table journal_document).
     */
    private Batch lifecycle(Connection c, UUID tenantId, TenantKeys k, LoggedEvent e) throws SQLException {
        String subject;
        String caseNumber;
        String kle;
        String facet;
        JournalDocument.Party party;
        List<JournalDocument.RoledParty> roles;
        String actorName = null;
        try (PreparedStatement st = c.prepareStatement("""
                SELECT cv.subject, cv.case_number, cv.kle_class, cv.action_facet, ci.cpr_enc, ci.name_enc,
                       (SELECT name FROM staff_member WHERE id = ?), cv.subject_enc, cv.parties, cv.guardian_ids
                FROM conversation cv JOIN citizen ci ON ci.id = cv.citizen_id WHERE cv.id = ?""")) {
            st.setObject(1, e.actorId());
            st.setObject(2, e.conversationId());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return new Batch(0, List.of(), List.of(), false); // the conversation is gone (erased)
                }
                subject = Subjects.open(k, tenantId, e.conversationId(), rs.getString(1), rs.getBytes(8));
                caseNumber = rs.getString(2);
                kle = rs.getString(3);
                facet = rs.getString(4);
                party = new JournalDocument.Party(k.openOrNull(Binding.citizen(tenantId, e.citizenId(), "cpr"),
                        rs.getBytes(5)),
                        k.openOrNull(Binding.citizen(tenantId, e.citizenId(), "name"), rs.getBytes(6)));
                Map<UUID, JournalDocument.Party> guardians = new HashMap<>();
                roles = roles(c, tenantId, k, rs.getString(9), uuids(rs.getArray(10)), party, guardians);
                actorName = "citizen".equals(e.actorKind()) ? citizenName(e, party, guardians) : rs.getString(7);
            }
        }
        final List<JournalDocument.RoledParty> parties = roles;
        if ("case-set".equals(e.kind())) {
            // the values set then, not whatever the conversation holds by the time it is journaled
            caseNumber = e.detailText("caseNumber");
            kle = e.detailText("kleClass");
            facet = e.detailText("actionFacet");
        }
        String body = Lifecycle.body(e, actorName);
        String letterDate = RFC3339.format(e.createdAt());
        long seq = e.seq() == null ? 0 : e.seq();
        final String cn = caseNumber, kc = kle, af = facet, fsubject = subject;
        JournalDocument.Author author = new JournalDocument.Author(e.actorKind() == null ? "system" : e.actorKind(),
                e.actorId(), actorName);
        Batch b = append(c, tenantId, k, e, (entryId, slug, position, previous, now) -> new JournalDocument(
                JournalDocument.VERSION, entryId, slug, position, previous, cn, kc, af, party, fsubject, letterDate,
                Lifecycle.documentType(e), "internal", null, author, body, null, List.of(), e.conversationId(), null,
                seq, now).withParties(parties));
        if (!"closed".equals(e.kind())) {
            return b;
        }
        UUID documentEntry = Uuid7.next(clock);
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO journal_document (conversation_id, last_seq, entry_id, created_at) VALUES (?, ?, ?, now())
                ON CONFLICT DO NOTHING""")) {
            st.setObject(1, e.conversationId());
            st.setLong(2, seq);
            st.setObject(3, documentEntry);
            if (st.executeUpdate() == 0) {
                return b; // this conversation up to this seq has its document already
            }
        }
        ConversationDocument d = documents.load(c, k, tenantId, e.conversationId(), seq);
        byte[] pdf = documents.render(d);
        JournalDocument.Attachment file = new JournalDocument.Attachment("samtale-" + e.conversationId() + ".pdf",
                DocumentRenderer.MEDIA_TYPE, pdf.length, Jws.hex(Jws.sha256(pdf)),
                Base64.getEncoder().encodeToString(pdf));
        String docBody = "Samtaleudskrift (PDF/A-2b) til sagen, " + d.messages().size() + " beskeder, "
                + d.covers().size() + " journalposter.";
        Batch doc = appendWithId(c, tenantId, k, e, documentEntry,
                (entryId, slug, position, previous, now) -> new JournalDocument(JournalDocument.VERSION, entryId, slug,
                        position, previous, cn, kc, af, party,
                        fsubject, letterDate, Lifecycle.DOCUMENT, "internal", null, author, docBody, null,
                        List.of(file), e.conversationId(), null, seq, now).withParties(parties));
        return new Batch(b.entries() + doc.entries(), List.of(), List.of(), b.push());
    }

    /**
     * A retraction or correction entry, pointing to the message's own entry (made earlier in this chain: the
     * message's event comes first in the log). The correction's text and reason are read here, sealed, from
     * the conversation's table; the event carries only the correction's number.
     */
    private Batch revision(Connection c, UUID tenantId, TenantKeys k, LoggedEvent e) throws SQLException {
        int version = e.detail() == null ? 0 : e.detail().path("version").asInt(0);
        try (PreparedStatement st = c.prepareStatement("""
                SELECT cv.subject, cv.case_number, cv.kle_class, cv.action_facet, ci.cpr_enc, ci.name_enc,
                       (SELECT name FROM staff_member WHERE id = ?), m.sender_kind, m.channel, je.position, je.id,
                       mc.body_enc, mc.reason_enc, cv.subject_enc, cv.parties, cv.guardian_ids
                FROM message m
                JOIN conversation cv ON cv.id = m.conversation_id
                JOIN citizen ci ON ci.id = cv.citizen_id
                LEFT JOIN journal_entry je ON je.message_id = m.id
                LEFT JOIN message_correction mc ON mc.message_id = m.id AND mc.version = ?
                WHERE m.id = ?""")) {
            st.setObject(1, e.actorId());
            st.setInt(2, version);
            st.setObject(3, e.messageId());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return new Batch(0, List.of(), List.of(), false); // the message is gone (erased)
                }
                JournalDocument.Party party = new JournalDocument.Party(
                        k.openOrNull(Binding.citizen(tenantId, e.citizenId(), "cpr"), rs.getBytes(5)),
                        k.openOrNull(Binding.citizen(tenantId, e.citizenId(), "name"), rs.getBytes(6)));
                Map<UUID, JournalDocument.Party> guardians = new HashMap<>();
                List<JournalDocument.RoledParty> parties = roles(c, tenantId, k, rs.getString(15),
                        uuids(rs.getArray(16)), party, guardians);
                String actorName = "citizen".equals(e.actorKind()) ? citizenName(e, party, guardians) : rs.getString(7);
                String direction = "citizen".equals(rs.getString(8)) ? "received" : "sent";
                String channel = rs.getString(9);
                long original = rs.getLong(10);
                JournalDocument.Reference refersTo = new JournalDocument.Reference(e.messageId(),
                        rs.wasNull() ? null : original, rs.getObject(11, UUID.class));
                String body;
                String bodyError = null;
                String reason = null;
                if ("corrected".equals(e.kind())) {
                    body = null;
                    try {
                        body = k.open(
                                Binding.messageCorrection(tenantId, e.conversationId(), e.messageId(), version, "body"),
                                rs.getBytes(12));
                    } catch (Unreadable u) {
                        bodyError = u.reason().code();
                    }
                    reason = k.openOrNull(
                            Binding.messageCorrection(tenantId, e.conversationId(), e.messageId(), version, "reason"),
                            rs.getBytes(13));
                } else {
                    body = Revision.retracted(actorName, refersTo.position());
                }
                final String subject = Subjects.open(k, tenantId, e.conversationId(), rs.getString(1),
                        rs.getBytes(14)), cn = rs.getString(2), kc = rs.getString(3),
                        af = rs.getString(4), fbody = body, fbodyError = bodyError, freason = reason;
                JournalDocument.Author author = new JournalDocument.Author(e.actorKind(), e.actorId(), actorName);
                long seq = e.seq() == null ? 0 : e.seq();
                return append(c, tenantId, k, e, (entryId, slug, position, previous, now) -> new JournalDocument(
                        JournalDocument.VERSION, entryId, slug, position, previous, cn, kc, af, party, subject,
                        RFC3339.format(e.createdAt()), Revision.documentType(e), direction, channel, author, fbody,
                        fbodyError, List.of(), e.conversationId(), null, seq, now, refersTo, freason)
                        .withParties(parties));
            }
        }
    }

    private interface Entry {
        JournalDocument make(UUID entryId, String slug, long position, String previous, String journaledAt);
    }

    private Batch append(Connection c, UUID tenantId, TenantKeys k, LoggedEvent e, Entry entry) throws SQLException {
        return appendWithId(c, tenantId, k, e, Uuid7.next(clock), entry);
    }

    /** One entry without a message at the head of the tenant's chain (the message path batches its own). */
    private Batch appendWithId(Connection c, UUID tenantId, TenantKeys k, LoggedEvent e, UUID entryId, Entry entry)
            throws SQLException {
        Chain chain = chain(c, tenantId);
        long position = chain.position() + 1;
        String previous = chain.previous();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        byte[] hash;
        try (PreparedStatement insert = c.prepareStatement(INSERT_ENTRY)) {
            hash = bindEntry(insert, tenantId, k, chain.recipient(), entryId, position, previous, null,
                    e.conversationId(), e.createdAt(),
                    entry.make(entryId, chain.slug(), position, previous, RFC3339.format(now)));
            insert.executeUpdate();
        }
        if (chain.push()) {
            try (PreparedStatement delivery = c.prepareStatement("""
                    INSERT INTO journal_delivery (entry_id, tenant_id, position, state, next_attempt_at, created_at)
                    VALUES (?, ?, ?, 'pending', now(), now())""")) {
                delivery.setObject(1, entryId);
                delivery.setObject(2, tenantId);
                delivery.setLong(3, position);
                delivery.executeUpdate();
            }
        }
        writeHead(c, tenantId, position, hash);
        sequenced.increment();
        return new Batch(1, List.of(), List.of(), chain.push());
    }

    /** The tenant's chain head (position 0 and no hash before the first entry) and its journal settings. */
    private record Chain(long position, byte[] head, String slug, X509Certificate recipient, boolean push) {
        String previous() {
            return head == null ? ChainVerifier.GENESIS : Jws.hex(head);
        }
    }

    private static Chain chain(Connection c, UUID tenantId) throws SQLException {
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
        try (PreparedStatement st = c.prepareStatement("""
                SELECT t.slug, s.recipient_certificate, s.push_url FROM tenant t
                LEFT JOIN journal_settings s ON s.tenant_id = t.id WHERE t.id = ?""")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                String cert = rs.getString(2);
                return new Chain(position, head, rs.getString(1),
                        cert == null ? null : RecipientEnvelope.certificate(cert), rs.getString(3) != null);
            }
        }
    }

    private static final String INSERT_ENTRY = """
            INSERT INTO journal_entry (id, tenant_id, position, message_id, conversation_id, previous_hash, hash,
                                       item_head, payload_enc, payload_key, item_tail, committed_at, sequenced_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())""";

    /**
     * Encodes, hashes, signs (and, with a recipient certificate, envelopes) the entry, and binds its row to
     * {@code insert} ({@link #INSERT_ENTRY}); the caller executes or batches it. Returns the entry's hash, the
     * next entry's previous hash.
     */
    private byte[] bindEntry(PreparedStatement insert, UUID tenantId, TenantKeys k, X509Certificate recipient,
            UUID entryId, long position, String previous, UUID messageId, UUID conversationId, Instant committedAt,
            JournalDocument doc) throws SQLException {
        byte[] payload = JournalCodec.encode(doc);
        // version 2: the hash and the signature cover a small header that holds the payload's hash, so the
        // payload can be redacted later and the chain still verifies; signing ~300 header bytes instead of
        // the whole payload also makes the signature cheaper (Ed25519 hashes its input twice)
        String payloadHash = Jws.hex(Jws.sha256(payload));
        byte[] header = JournalCodec.encode(new JournalHeader(JournalHeader.VERSION, entryId, doc.tenant(), position,
                previous, payloadHash, doc.documentType(), conversationId, messageId, doc.journaledAt()));
        byte[] hash = Jws.sha256(header);
        String payloadBase64 = Base64.getEncoder().encodeToString(payload);
        String envelope = recipient == null
                ? null
                : Base64.getEncoder().encodeToString(RecipientEnvelope.seal(recipient, payload));
        FeedItem item = new FeedItem(entryId, position, messageId, conversationId, Jws.hex(hash), previous,
                signer.sign(header), Base64.getEncoder().encodeToString(header), payloadHash, false, payloadBase64,
                envelope);
        StoredEntry.Parts parts = StoredEntry.split(JournalCodec.encode(item), payloadBase64);
        insert.setObject(1, entryId);
        insert.setObject(2, tenantId);
        insert.setLong(3, position);
        insert.setObject(4, messageId);
        insert.setObject(5, conversationId);
        insert.setBytes(6, java.util.HexFormat.of().parseHex(previous));
        insert.setBytes(7, hash);
        insert.setString(8, parts.head());
        Binding sealedAs = Binding.journalEntry(tenantId, conversationId, entryId);
        insert.setBytes(9, StoredEntry.seal(k, sealedAs, payload));
        insert.setInt(10, k.keyIdFor(sealedAs));
        insert.setString(11, parts.tail());
        insert.setObject(12, committedAt.atOffset(ZoneOffset.UTC));
        return hash;
    }

    private static void writeHead(Connection c, UUID tenantId, long position, byte[] hash) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO journal_head (tenant_id, position, hash) VALUES (?, ?, ?)
                ON CONFLICT (tenant_id) DO UPDATE SET position = EXCLUDED.position, hash = EXCLUDED.hash""")) {
            st.setObject(1, tenantId);
            st.setLong(2, position);
            st.setBytes(3, hash);
            st.executeUpdate();
        }
    }

    private record Batch(int entries, List<ConversationEvent> published, List<Instant> committed, boolean push) {
    }

    private record Pending(UUID messageId, UUID conversationId, long seq, String senderKind,
            UUID senderId, byte[] bodyEnc, String channel, Instant createdAt, String subject, String caseNumber,
            String kleClass, String actionFacet, UUID unitId, UUID citizenId, byte[] cprEnc, byte[] citizenNameEnc,
            String staffName, List<UUID> fileIds, String parties, List<UUID> guardianIds, byte[] senderNameEnc) {
    }

    private Batch sequence(Connection c, UUID tenantId, TenantKeys tenantKeys, List<LoggedEvent> events)
            throws SQLException {
        Chain chain = chain(c, tenantId);
        boolean push = chain.push();
        List<Pending> pending = pending(c, tenantId, tenantKeys, events);
        if (pending.isEmpty()) {
            return new Batch(0, List.of(), List.of(), push);
        }
        Map<UUID, List<JournalDocument.Attachment>> attached = attachments(tenantId, pending);
        long position = chain.position();
        String previous = chain.previous();
        byte[] head = chain.head();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        OffsetDateTime nowDb = now.atOffset(ZoneOffset.UTC);
        Map<UUID, ConversationEvent> newest = new java.util.LinkedHashMap<>();
        try (PreparedStatement insert = c.prepareStatement(INSERT_ENTRY);
                PreparedStatement delivery = c.prepareStatement("""
                        INSERT INTO journal_delivery (entry_id, tenant_id, position, state, next_attempt_at, created_at)
                        VALUES (?, ?, ?, 'pending', ?, ?)""")) {
            // a batch often holds several messages of one conversation: open each citizen's CPR and name once
            Map<UUID, JournalDocument.Party> parties = new HashMap<>();
            Map<UUID, JournalDocument.Party> guardians = new HashMap<>();
            for (Pending p : pending) {
                position++;
                UUID entryId = Uuid7.next(clock);
                JournalDocument.Party party = parties.computeIfAbsent(p.citizenId(),
                        id -> new JournalDocument.Party(
                                tenantKeys.openOrNull(Binding.citizen(tenantId, id, "cpr"), p.cprEnc()),
                                tenantKeys.openOrNull(Binding.citizen(tenantId, id, "name"), p.citizenNameEnc())));
                JournalDocument doc = document(tenantId, chain.slug(), entryId, position, previous, p, party,
                        tenantKeys, now, attached.getOrDefault(p.messageId(), List.of()))
                        .withParties(roles(c, tenantId, tenantKeys, p.parties(), p.guardianIds(), party, guardians));
                head = bindEntry(insert, tenantId, tenantKeys, chain.recipient(), entryId, position, previous,
                        p.messageId(), p.conversationId(), p.createdAt(), doc);
                insert.addBatch();
                if (push) {
                    delivery.setObject(1, entryId);
                    delivery.setObject(2, tenantId);
                    delivery.setLong(3, position);
                    delivery.setObject(4, nowDb);
                    delivery.setObject(5, nowDb);
                    delivery.addBatch();
                }
                previous = Jws.hex(head);
                // one event per conversation and batch: the newest entry (entries follow seq within one)
                newest.put(p.conversationId(), JournalStateEvent.of(
                        new Route(tenantId, p.unitId(), p.citizenId(), p.conversationId()), p.messageId(), p.seq(),
                        "journaled"));
            }
            insert.executeBatch();
            if (push) {
                delivery.executeBatch();
            }
        }
        writeHead(c, tenantId, position, head);
        sequenced.increment(pending.size());
        return new Batch(pending.size(), List.copyOf(newest.values()),
                pending.stream().map(Pending::createdAt).toList(), push);
    }

    /** The batch's messages, in the events' order (a message gone from the database is skipped). */
    private List<Pending> pending(Connection c, UUID tenantId, TenantKeys k, List<LoggedEvent> events)
            throws SQLException {
        Map<UUID, Pending> byId = new HashMap<>();
        try (PreparedStatement st = c.prepareStatement(
                """
                        SELECT m.id, m.conversation_id, m.seq, m.sender_kind, m.sender_id, m.body_enc, m.channel,
                               m.created_at, c.subject, c.case_number, c.kle_class, c.action_facet, c.unit_id, c.citizen_id,
                               ci.cpr_enc, ci.name_enc, s.name, c.subject_enc, m.attachment_ids, c.parties, c.guardian_ids,
                               sc.name_enc
                        FROM message m
                        JOIN conversation c ON c.id = m.conversation_id
                        JOIN citizen ci ON ci.id = c.citizen_id
                        LEFT JOIN staff_member s ON m.sender_kind = 'staff' AND s.id = m.sender_id
                        LEFT JOIN citizen sc ON m.sender_kind = 'citizen' AND sc.id = m.sender_id AND m.sender_id <> c.citizen_id
                        WHERE m.id = ANY(?)""")) {
            st.setArray(1, c.createArrayOf("uuid", events.stream().map(LoggedEvent::messageId).toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Pending p = new Pending(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getLong(3), rs.getString(4), rs.getObject(5, UUID.class), rs.getBytes(6),
                            rs.getString(7), rs.getObject(8, OffsetDateTime.class).toInstant(),
                            Subjects.open(k, tenantId, rs.getObject(2, UUID.class), rs.getString(9), rs.getBytes(18)),
                            rs.getString(10), rs.getString(11), rs.getString(12), rs.getObject(13, UUID.class),
                            rs.getObject(14, UUID.class), rs.getBytes(15), rs.getBytes(16), rs.getString(17),
                            uuids(rs.getArray(19)), rs.getString(20), uuids(rs.getArray(21)), rs.getBytes(22));
                    byId.put(p.messageId(), p);
                }
            }
        }
        List<Pending> list = new ArrayList<>(events.size());
        for (LoggedEvent e : events) {
            Pending p = byId.remove(e.messageId());
            if (p != null) {
                list.add(p);
            }
        }
        return list;
    }

    /**
     * Every party of a conversation about a child, with its role (issue 20): the child, and each guardian the
     * conversation names. Null for an ordinary conversation, whose entries stay exactly as they were. Guardians'
     * CPR and names are opened once per batch.
     */
    private static List<JournalDocument.RoledParty> roles(Connection c, UUID tenantId, TenantKeys k, String parties,
            List<UUID> guardianIds, JournalDocument.Party child, Map<UUID, JournalDocument.Party> guardians)
            throws SQLException {
        if (parties == null || "citizen".equals(parties)) {
            return null;
        }
        List<JournalDocument.RoledParty> out = new ArrayList<>();
        out.add(new JournalDocument.RoledParty("child", child.cpr(), child.name()));
        List<UUID> missing = guardianIds.stream().filter(id -> !guardians.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            try (PreparedStatement st = c
                    .prepareStatement("SELECT id, cpr_enc, name_enc FROM citizen WHERE id = ANY(?)")) {
                st.setArray(1, c.createArrayOf("uuid", missing.toArray()));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject(1, UUID.class);
                        guardians.put(id, new JournalDocument.Party(
                                k.openOrNull(Binding.citizen(tenantId, id, "cpr"), rs.getBytes(2)),
                                k.openOrNull(Binding.citizen(tenantId, id, "name"), rs.getBytes(3))));
                    }
                }
            }
        }
        for (UUID id : guardianIds) {
            JournalDocument.Party g = guardians.get(id);
            if (g != null) {
                out.add(new JournalDocument.RoledParty("guardian", g.cpr(), g.name()));
            }
        }
        return out;
    }

    /**
     * The name of the citizen who acted: the conversation's citizen, or a guardian who is a party (whose
     * own name it is, never the child's); null when unknown.
     */
    private static String citizenName(LoggedEvent e, JournalDocument.Party child,
            Map<UUID, JournalDocument.Party> guardians) {
        if (e.actorId() == null || e.actorId().equals(e.citizenId())) {
            return child.name();
        }
        JournalDocument.Party guardian = guardians.get(e.actorId());
        return guardian == null ? null : guardian.name();
    }

    private static List<UUID> uuids(java.sql.Array array) throws SQLException {
        return array == null ? List.of() : List.of((UUID[]) array.getArray());
    }

    /**
     * The files of the batch's messages, from the attachment feature: name, type, size and SHA-256 of the
     * cleaned file go into the signed payload; the bytes are fetched by the case system from
     * {@code href} (GET, journal-reader of the tenant) and checked against the hash — the entry stays small
     * however large the files, and the chain covers them through their hashes.
     */
    private Map<UUID, List<JournalDocument.Attachment>> attachments(UUID tenantId, List<Pending> pending) {
        Map<UUID, List<UUID>> ids = new HashMap<>();
        pending.stream().filter(p -> !p.fileIds().isEmpty()).forEach(p -> ids.put(p.messageId(), p.fileIds()));
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<UUID, List<JournalDocument.Attachment>> out = new HashMap<>();
        files.of(tenantId, ids).await().atMost(Duration.ofSeconds(30)).forEach((message, list) -> out.put(message,
                list.stream().map(f -> new JournalDocument.Attachment(f.fileName(), f.mediaType(), f.size(),
                        f.sha256(), null, f.id(), JournalDocument.Attachment.href(f.id()))).toList()));
        return out;
    }

    private static JournalDocument document(UUID tenantId, String slug, UUID entryId, long position, String previous,
            Pending p, JournalDocument.Party party, TenantKeys k, Instant now, List<JournalDocument.Attachment> files) {
        String body = null;
        String bodyError = null;
        try {
            body = k.open(Binding.messageBody(tenantId, p.conversationId(), p.messageId()), p.bodyEnc());
        } catch (Unreadable e) {
            // journaled anyway: the entry proves the message existed, and says why its text is missing
            bodyError = e.reason().code();
        }
        boolean fromCitizen = p.senderKind().equals("citizen");
        // a guardian writes as a citizen who is not the conversation's citizen: their own name, not the child's
        String authorName = !fromCitizen
                ? p.staffName()
                : p.senderNameEnc() == null
                        ? party.name()
                        : k.openOrNull(Binding.citizen(tenantId, p.senderId(), "name"), p.senderNameEnc());
        return new JournalDocument(JournalDocument.VERSION, entryId, slug, position, previous, p.caseNumber(),
                p.kleClass(), p.actionFacet(), party, p.subject(),
                RFC3339.format(p.createdAt()), "besked", fromCitizen ? "received" : "sent", p.channel(),
                new JournalDocument.Author(p.senderKind(), p.senderId(), authorName), body, bodyError, files,
                p.conversationId(), p.messageId(), p.seq(), RFC3339.format(now));
    }
}
