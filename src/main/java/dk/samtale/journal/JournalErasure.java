package dk.samtale.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ConversationErasure;
import dk.samtale.platform.EventLog;

/**
 * The journal's part in deleting a conversation: its entries are <b>redacted</b>, not deleted — the payload
 * (message text, CPR, name, subject) and the envelope to the case system go; id, position, hashes, the
 * signed header and the signature stay, so the tenant's chain still verifies end to end (see
 * {@link ChainVerifier}). Never before the case system has every entry of the conversation: a conversation
 * with an event the journal has not sequenced yet, or with an entry neither acknowledged on the pull feed
 * nor delivered by push, is "not yet".
 */
@ApplicationScoped
class JournalErasure implements ConversationErasure {

    private final EventLog log;

    JournalErasure(EventLog log) {
        this.log = log;
    }

    @Override
    public java.util.Set<String> tables() {
        return java.util.Set.of("journal_entry", "journal_document");
    }

    @Override
    public String name() {
        return "journal";
    }

    @Override
    public Set<UUID> notYet(Connection c, UUID tenantId, Collection<UUID> conversationIds) throws SQLException {
        Set<UUID> out = new HashSet<>(log.unpassed(c, "journal", tenantId, conversationIds));
        try (PreparedStatement st = c.prepareStatement("""
                SELECT DISTINCT e.conversation_id FROM journal_entry e
                LEFT JOIN journal_cursor j ON j.tenant_id = e.tenant_id
                LEFT JOIN journal_delivery d ON d.entry_id = e.id
                WHERE e.tenant_id = ? AND e.conversation_id = ANY(?)
                  AND e.position > coalesce(j.acked_position, 0) AND d.state IS DISTINCT FROM 'delivered'""")) {
            st.setObject(1, tenantId);
            st.setArray(2, c.createArrayOf("uuid", conversationIds.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return out;
    }

    @Override
    public int erase(Connection c, UUID tenantId, Collection<UUID> conversationIds) throws SQLException {
        record Stored(UUID id, String head, String tail) {
        }
        List<Stored> entries = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("""
                SELECT id, item_head, item_tail FROM journal_entry
                WHERE tenant_id = ? AND conversation_id = ANY(?) AND payload_enc IS NOT NULL FOR UPDATE""")) {
            st.setObject(1, tenantId);
            st.setArray(2, c.createArrayOf("uuid", conversationIds.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Stored(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)));
                }
            }
        }
        int n = 0;
        try (PreparedStatement st = c.prepareStatement("""
                UPDATE journal_entry SET item_head = ?, item_tail = '', payload_enc = NULL, payload_key = NULL
                WHERE id = ?""")) {
            for (Stored e : entries) {
                // the stored parts around an empty payload are the entry's JSON without its content
                FeedItem redacted = JournalCodec.item(e.head() + e.tail()).withoutPayload();
                st.setString(1, JournalCodec.encode(redacted));
                st.setObject(2, e.id());
                st.addBatch();
                n++;
            }
            st.executeBatch();
        }
        try (PreparedStatement st = c.prepareStatement(
                "DELETE FROM journal_document WHERE conversation_id = ANY(?)")) {
            st.setArray(1, c.createArrayOf("uuid", conversationIds.toArray()));
            n += st.executeUpdate();
        }
        return n;
    }
}
