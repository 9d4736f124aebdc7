package dk.samtale.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.postgresql.PGStatement;

import io.agroal.api.AgroalDataSource;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.Fanout;
import dk.samtale.conversation.Route;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.Unreadable;
import dk.samtale.platform.ProblemException;

/**
 * The pull feed, acknowledgement and verification of a tenant's journal. Blocking (JDBC): callers run it
 * on worker threads. Entries are served exactly as stored at sequencing time (pre-encoded, sealed), so
 * a page is one index range scan plus one decryption per entry.
 */
@ApplicationScoped
public class JournalFeed {

    public static final int MAX_PAGE = 1000;
    /** Acknowledging more than this at once tells staff sockets nothing (they see it on their next load). */
    static final int MAX_ACK_EVENTS = 1000;

    /**
     * A page of the feed, already encoded as JSON; {@code after}/{@code last}: the positions it covers,
     * (after, last] (for the access log).
     */
    public record Page(String json, long after, long last) {
    }

    public record Ack(long ackedPosition, long headPosition) {
    }

    public record Broken(long position, String reason) {
    }

    /** {@code redacted}: how many of the checked entries had their payload removed (conversation deleted). */
    public record Verification(long from, long to, long checked, boolean valid, long headPosition, Broken firstBroken,
            long redacted) {

        Verification(long from, long to, long checked, boolean valid, long headPosition, Broken firstBroken) {
            this(from, to, checked, valid, headPosition, firstBroken, 0);
        }
    }

    private final AgroalDataSource db;
    private final ConversationKeys keys;
    private final JournalSigner signer;
    private final Fanout fanout;

    JournalFeed(AgroalDataSource db, ConversationKeys keys, JournalSigner signer, Fanout fanout) {
        this.db = db;
        this.keys = keys;
        this.signer = signer;
        this.fanout = fanout;
    }

    /**
     * Entries after {@code after} (or after the acknowledged position when null), at most {@code limit},
     * as {@code {"items":[...],"ackedPosition":n,"headPosition":n,"hasMore":b}}.
     */
    public Page page(UUID tenantId, Long after, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw ProblemException.invalid("limit", "must be 1 to " + MAX_PAGE);
        }
        EntryKeys k = keys(tenantId);
        try (Connection c = db.getConnection()) {
            long acked = acked(c, tenantId);
            long head = head(c, tenantId);
            long from = after == null ? acked : after;
            StringBuilder out = new StringBuilder(64 + limit * 1600).append("{\"items\":[");
            int n = 0;
            record Stored(UUID id, UUID conversationId, String head, byte[] payloadEnc, String tail) {
            }
            List<Stored> rows = new ArrayList<>(limit);
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT id, item_head, payload_enc, item_tail, conversation_id FROM journal_entry
                    WHERE tenant_id = ? AND position > ? ORDER BY position LIMIT ?""")) {
                // binary results from the first execution: a bytea in text form is hex, twice the bytes
                // and slow to parse, and a pooled connection would otherwise send the first few pages so
                st.unwrap(PGStatement.class).setPrepareThreshold(-1);
                st.setObject(1, tenantId);
                st.setLong(2, from);
                st.setInt(3, limit);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Stored(rs.getObject(1, UUID.class), rs.getObject(5, UUID.class), rs.getString(2),
                                rs.getBytes(3), rs.getString(4)));
                    }
                }
            }
            // the page's conversations' keys in one go (a round trip to the vault only for those not cached)
            k.preload(
                    rows.stream().filter(r -> r.payloadEnc() != null).map(Stored::conversationId).distinct().toList());
            for (Stored r : rows) {
                if (n++ > 0) {
                    out.append(',');
                }
                k.appendJson(out, r.conversationId(), r.id(), r.head(), r.payloadEnc(), r.tail());
            }
            long last = from + n;
            out.append("],\"ackedPosition\":").append(acked).append(",\"headPosition\":").append(head)
                    .append(",\"hasMore\":").append(last < head).append('}');
            return new Page(out.toString(), from, last);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One entry of the tenant, or not-found (also for another tenant's entry). */
    public String entry(UUID tenantId, UUID entryId) {
        EntryKeys k = keys(tenantId);
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT item_head, payload_enc, item_tail, conversation_id FROM journal_entry WHERE id = ? AND tenant_id = ?")) {
            st.setObject(1, entryId);
            st.setObject(2, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("journal entry");
                }
                return k.json(rs.getObject(4, UUID.class), entryId, rs.getString(1), rs.getBytes(2), rs.getString(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Acknowledges every entry up to {@code position}: they are no longer served by default. Never moves
     * back (a smaller position is a no-op); a position beyond the head is invalid.
     */
    public Ack ack(UUID tenantId, long position) {
        List<ConversationEvent> events = new ArrayList<>();
        Ack result;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                long head = head(c, tenantId);
                if (position < 0 || position > head) {
                    throw ProblemException.invalid("position", "must be 0 to the head position " + head);
                }
                long before;
                try (PreparedStatement st = c.prepareStatement("""
                        INSERT INTO journal_cursor AS j (tenant_id, acked_position) VALUES (?, 0)
                        ON CONFLICT (tenant_id) DO UPDATE SET acked_position = j.acked_position
                        RETURNING acked_position""")) {
                    st.setObject(1, tenantId);
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        before = rs.getLong(1);
                    }
                }
                long after = Math.max(before, position);
                try (PreparedStatement st = c.prepareStatement(
                        "UPDATE journal_cursor SET acked_position = ? WHERE tenant_id = ?")) {
                    st.setLong(1, after);
                    st.setObject(2, tenantId);
                    st.executeUpdate();
                }
                if (after > before && after - before <= MAX_ACK_EVENTS) {
                    events.addAll(acknowledged(c, tenantId, before, after));
                }
                c.commit();
                result = new Ack(after, head);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        events.forEach(fanout::publish);
        return result;
    }

    private static List<ConversationEvent> acknowledged(Connection c, UUID tenantId, long from, long to)
            throws SQLException {
        List<ConversationEvent> events = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("""
                SELECT e.message_id, e.conversation_id, m.seq, cv.unit_id, cv.citizen_id FROM journal_entry e
                JOIN message m ON m.id = e.message_id JOIN conversation cv ON cv.id = e.conversation_id
                WHERE e.tenant_id = ? AND e.position > ? AND e.position <= ?""")) {
            st.setObject(1, tenantId);
            st.setLong(2, from);
            st.setLong(3, to);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    events.add(JournalStateEvent.of(
                            new Route(tenantId, rs.getObject(4, UUID.class),
                                    rs.getObject(5, UUID.class), rs.getObject(2, UUID.class)),
                            rs.getObject(1, UUID.class),
                            rs.getLong(3), "acknowledged"));
                }
            }
        }
        return events;
    }

    /** Walks positions {@code from}..{@code to} (default: the whole chain) and reports the first broken link. */
    public Verification verify(UUID tenantId, Long fromArg, Long toArg) {
        EntryKeys k = keys(tenantId);
        try (Connection c = db.getConnection()) {
            long head = head(c, tenantId);
            long from = fromArg == null ? 1 : fromArg;
            long to = toArg == null ? head : Math.min(toArg, head);
            if (from < 1) {
                throw ProblemException.invalid("from", "must be 1 or more");
            }
            if (to < from) {
                return new Verification(from, to, 0, true, head, null);
            }
            String previous = ChainVerifier.GENESIS;
            if (from > 1) {
                try (PreparedStatement st = c.prepareStatement(
                        "SELECT hash FROM journal_entry WHERE tenant_id = ? AND position = ?")) {
                    st.setObject(1, tenantId);
                    st.setLong(2, from - 1);
                    try (ResultSet rs = st.executeQuery()) {
                        if (!rs.next()) {
                            return new Verification(from, to, 0, false, head,
                                    new Broken(from - 1, "the entry before the range is missing"));
                        }
                        previous = Jws.hex(rs.getBytes(1));
                    }
                }
            }
            ChainVerifier verifier = new ChainVerifier(signer.publicKey(), from, previous);
            long checked = 0;
            long cursor = from - 1;
            while (cursor < to) {
                int n = 0;
                try (PreparedStatement st = c.prepareStatement("""
                        SELECT id, position, hash, previous_hash, item_head, payload_enc, item_tail, conversation_id
                        FROM journal_entry
                        WHERE tenant_id = ? AND position > ? AND position <= ? ORDER BY position LIMIT 1000""")) {
                    st.setObject(1, tenantId);
                    st.setLong(2, cursor);
                    st.setLong(3, to);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            n++;
                            long position = rs.getLong(2);
                            long expected = verifier.expectedPosition();
                            String broken = check(k, verifier, rs, position);
                            if (broken != null) {
                                return new Verification(from, to, checked, false, head, new Broken(expected, broken),
                                        verifier.redacted());
                            }
                            checked++;
                            cursor = position;
                        }
                    }
                }
                if (n == 0) {
                    break;
                }
            }
            if (verifier.expectedPosition() <= to) {
                return new Verification(from, to, checked, false, head,
                        new Broken(verifier.expectedPosition(), "the entry is missing"), verifier.redacted());
            }
            return new Verification(from, to, checked, true, head, null, verifier.redacted());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String check(EntryKeys k, ChainVerifier verifier, ResultSet rs, long position)
            throws SQLException {
        UUID id = rs.getObject(1, UUID.class);
        FeedItem item;
        try {
            item = JournalCodec.item(k.json(rs.getObject(8, UUID.class), id, rs.getString(5), rs.getBytes(6),
                    rs.getString(7)));
        } catch (Unreadable e) {
            return "the stored payload does not decrypt (" + e.reason().code() + ": altered or moved)";
        } catch (RuntimeException e) {
            return "the stored entry is not a journal entry (altered)";
        }
        if (item.position() != position) {
            return "the entry stored at position " + position + " is signed as position " + item.position()
                    + " (reordered)";
        }
        String broken = verifier.check(item);
        if (broken != null) {
            return broken;
        }
        if (!Jws.hex(rs.getBytes(3)).equals(item.hash()) || !Jws.hex(rs.getBytes(4)).equals(item.previousHash())) {
            return "the stored hash columns differ from the signed entry";
        }
        return null;
    }

    private EntryKeys keys(UUID tenantId) {
        return new EntryKeys(keys, tenantId);
    }

    private static long head(Connection c, UUID tenantId) throws SQLException {
        return single(c, "SELECT position FROM journal_head WHERE tenant_id = ?", tenantId);
    }

    private static long acked(Connection c, UUID tenantId) throws SQLException {
        return single(c, "SELECT acked_position FROM journal_cursor WHERE tenant_id = ?", tenantId);
    }

    private static long single(Connection c, String sql, UUID tenantId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
