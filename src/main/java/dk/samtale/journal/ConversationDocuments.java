package dk.samtale.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

import dk.samtale.conversation.Subjects;
import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;
import dk.samtale.identity.Caller;
import dk.samtale.platform.AccessLog;
import dk.samtale.platform.ProblemException;

/**
 * Gathers a conversation into a {@link ConversationDocument} and renders it. Blocking (JDBC, decryption,
 * PDF): worker threads only.
 */
@ApplicationScoped
public class ConversationDocuments {

    private final AgroalDataSource db;
    private final ConversationKeys keys;
    private final DocumentRenderer renderer;
    private final Clock clock;
    private final AccessLog accessLog;

    ConversationDocuments(AgroalDataSource db, ConversationKeys keys, DocumentRenderer renderer, Clock clock,
            AccessLog accessLog) {
        this.accessLog = accessLog;
        this.db = db;
        this.keys = keys;
        this.renderer = renderer;
        this.clock = clock;
    }

    /** The PDF of a conversation for a staff member of its unit; anyone else: not found. */
    public byte[] pdfFor(Caller caller, UUID conversationId) {
        ConversationDocument d = load(caller.tenantId(), conversationId, Long.MAX_VALUE);
        UUID[] unitAndCitizen = d == null ? null : unitAndCitizen(conversationId);
        if (d == null || !caller.isStaff() || !caller.unitIds().contains(unitAndCitizen[0])) {
            throw ProblemException.notFound("conversation");
        }
        byte[] pdf = renderer.render(d);
        accessLog.record(new AccessLog.Access(caller.tenantId(), AccessLog.Accessor.staff(caller.id()),
                unitAndCitizen[1], conversationId, unitAndCitizen[0], AccessLog.Kind.CONVERSATION_EXPORTED));
        return pdf;
    }

    private UUID[] unitAndCitizen(UUID conversationId) {
        try (Connection c = db.getConnection();
                PreparedStatement st = c
                        .prepareStatement("SELECT unit_id, citizen_id FROM conversation WHERE id = ?")) {
            st.setObject(1, conversationId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next(); // the document was just loaded: it exists
                return new UUID[]{rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)};
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The conversation with its messages up to {@code upToSeq} and the journal entries of those messages;
     * null when the tenant has no such conversation.
     */
    ConversationDocument load(UUID tenantId, UUID conversationId, long upToSeq) {
        TenantKeys k = keys.of(tenantId, conversationId).await().atMost(Duration.ofSeconds(30));
        try (Connection c = db.getConnection()) {
            return load(c, k, tenantId, conversationId, upToSeq);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same on the caller's connection (the sequencer's transaction sees the entries it just made). */
    ConversationDocument load(Connection c, TenantKeys k, UUID tenantId, UUID conversationId, long upToSeq)
            throws SQLException {
        {
            String municipality, unit, subject, caseNumber, kle, facet, status, name, cpr;
            UUID citizenId;
            String parties;
            List<UUID> guardianIds;
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT t.name, u.name, cv.citizen_id, ci.cpr_enc, ci.name_enc, cv.subject, cv.case_number,
                           cv.kle_class, cv.action_facet, cv.status, coalesce(s.document_includes_cpr, false),
                           cv.subject_enc, cv.parties, cv.guardian_ids
                    FROM conversation cv JOIN tenant t ON t.id = cv.tenant_id JOIN unit u ON u.id = cv.unit_id
                    JOIN citizen ci ON ci.id = cv.citizen_id LEFT JOIN journal_settings s ON s.tenant_id = cv.tenant_id
                    WHERE cv.id = ? AND cv.tenant_id = ?""")) {
                st.setObject(1, conversationId);
                st.setObject(2, tenantId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    municipality = rs.getString(1);
                    unit = rs.getString(2);
                    citizenId = rs.getObject(3, UUID.class);
                    cpr = rs.getBoolean(11)
                            ? k.openOrNull(Binding.citizen(tenantId, citizenId, "cpr"), rs.getBytes(4))
                            : null;
                    name = k.openOrNull(Binding.citizen(tenantId, citizenId, "name"), rs.getBytes(5));
                    subject = Subjects.open(k, tenantId, conversationId, rs.getString(6), rs.getBytes(12));
                    caseNumber = rs.getString(7);
                    kle = rs.getString(8);
                    facet = rs.getString(9);
                    status = rs.getString(10);
                    parties = rs.getString(13);
                    java.sql.Array guardians = rs.getArray(14);
                    guardianIds = guardians == null ? List.of() : List.of((UUID[]) guardians.getArray());
                }
            }
            // a citizen other than the conversation's own who wrote in it is a guardian: named as themself
            Map<UUID, String> writers = new HashMap<>();
            List<ConversationDocument.Line> lines = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT m.id, m.seq, m.sender_kind, m.body_enc, m.channel, m.created_at, sm.name,
                           (SELECT max(r.read_seq) FROM read_cursor r WHERE r.conversation_id = m.conversation_id
                              AND r.reader_kind <> m.sender_kind),
                           (SELECT max(r.delivered_seq) FROM read_cursor r WHERE r.conversation_id = m.conversation_id
                              AND r.reader_kind <> m.sender_kind),
                           m.retracted_at, m.correction, mc.body_enc, mc.reason_enc, mc.created_at, m.sender_id,
                           gc.name_enc
                    FROM message m LEFT JOIN staff_member sm ON m.sender_kind = 'staff' AND sm.id = m.sender_id
                    LEFT JOIN citizen gc ON m.sender_kind = 'citizen' AND gc.id = m.sender_id
                        AND m.sender_id <> ?
                    LEFT JOIN message_correction mc ON m.correction IS NOT NULL AND mc.message_id = m.id
                        AND mc.version = m.correction
                    WHERE m.conversation_id = ? AND m.seq <= ? ORDER BY m.seq""")) {
                st.setObject(1, citizenId);
                st.setObject(2, conversationId);
                st.setLong(3, upToSeq);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        UUID messageId = rs.getObject(1, UUID.class);
                        long seq = rs.getLong(2);
                        String kind = rs.getString(3);
                        String body;
                        try {
                            body = k.open(Binding.messageBody(tenantId, conversationId, messageId), rs.getBytes(4));
                        } catch (Unreadable e) {
                            body = null; // rendered as "cannot be read", as the journal entry says bodyError
                        }
                        body = revised(k, tenantId, conversationId, messageId, body, rs);
                        long read = rs.getLong(8);
                        long delivered = rs.getLong(9);
                        String state = read >= seq ? "read" : delivered >= seq ? "delivered" : "sent";
                        byte[] writer = rs.getBytes(16);
                        String sender = "citizen".equals(kind)
                                ? writer == null
                                        ? name
                                        : writers.computeIfAbsent(rs.getObject(15, UUID.class),
                                                id -> k.openOrNull(Binding.citizen(tenantId, id, "name"), writer))
                                : "staff".equals(kind) ? rs.getString(7) : "Samtale";
                        lines.add(new ConversationDocument.Line(seq, rs.getObject(6, OffsetDateTime.class).toInstant(),
                                kind, sender, rs.getString(5), state, body));
                    }
                }
            }
            List<ConversationDocument.Covered> covers = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT e.position, e.hash FROM journal_entry e JOIN message m ON m.id = e.message_id
                    WHERE e.conversation_id = ? AND e.tenant_id = ? AND m.seq <= ? ORDER BY e.position""")) {
                st.setObject(1, conversationId);
                st.setObject(2, tenantId);
                st.setLong(3, upToSeq);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        covers.add(new ConversationDocument.Covered(rs.getLong(1), Jws.hex(rs.getBytes(2))));
                    }
                }
            }
            return new ConversationDocument(conversationId, municipality, unit, name, cpr, subject, caseNumber, kle,
                    facet, status, clock.instant(), lines, covers,
                    parties(c, k, tenantId, parties, name, guardianIds, writers));
        }
    }

    /** The child and its guardians by name, for a conversation about a child; none for an ordinary one. */
    private static List<ConversationDocument.Party> parties(Connection c, TenantKeys k, UUID tenantId, String parties,
            String childName, List<UUID> guardianIds, Map<UUID, String> known) throws SQLException {
        if (parties == null || "citizen".equals(parties)) {
            return List.of();
        }
        List<ConversationDocument.Party> out = new ArrayList<>();
        out.add(new ConversationDocument.Party("child", childName));
        if (!guardianIds.isEmpty()) {
            try (PreparedStatement st = c.prepareStatement("SELECT id, name_enc FROM citizen WHERE id = ANY(?)")) {
                st.setArray(1, c.createArrayOf("uuid", guardianIds.toArray()));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject(1, UUID.class);
                        byte[] sealed = rs.getBytes(2);
                        known.computeIfAbsent(id, g -> k.openOrNull(Binding.citizen(tenantId, g, "name"), sealed));
                    }
                }
            }
        }
        guardianIds.forEach(id -> out.add(new ConversationDocument.Party("guardian", known.get(id))));
        return out;
    }

    private static final java.time.format.DateTimeFormatter WHEN = java.time.format.DateTimeFormatter
            .ofPattern("d.M.yyyy 'kl.' HH:mm").withZone(java.time.ZoneId.of("Europe/Copenhagen"));

    /**
     * The case file shows a message as it was sent, and what happened to it since: taken back by its
     * sender, or corrected (berigtiget) with the reason and the new text. Nothing is left out.
     */
    private static String revised(TenantKeys k, UUID tenantId, UUID conversationId, UUID messageId, String body,
            ResultSet rs)
            throws SQLException {
        String text = body == null ? "(beskedens tekst kan ikke læses)" : body;
        OffsetDateTime retracted = rs.getObject(10, OffsetDateTime.class);
        if (retracted != null) {
            return text + "\n[Trukket tilbage af afsenderen " + WHEN.format(retracted) + ".]";
        }
        int version = rs.getInt(11);
        if (rs.wasNull()) {
            return body;
        }
        String corrected = k.openOrNull(Binding.messageCorrection(tenantId, conversationId, messageId, version, "body"),
                rs.getBytes(12));
        String reason = k.openOrNull(Binding.messageCorrection(tenantId, conversationId, messageId, version, "reason"),
                rs.getBytes(13));
        return text + "\n[Berigtiget " + WHEN.format(rs.getObject(14, OffsetDateTime.class)) + ". Begrundelse: "
                + (reason == null ? "–" : reason) + ". Rettet tekst: "
                + (corrected == null ? "(kan ikke læses)" : corrected) + "]";
    }

    byte[] render(ConversationDocument d) {
        return renderer.render(d);
    }
}
