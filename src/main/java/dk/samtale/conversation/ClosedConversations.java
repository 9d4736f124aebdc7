package dk.samtale.conversation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The conversations retention may consider, read by the conversation feature from its own table: closed
 * ones, oldest closed first, in pages (keyset on closed_at, id); and all of a citizen's, for an erasure
 * request. Blocking JDBC on the caller's connection.
 */
@ApplicationScoped
public class ClosedConversations {

    /** A conversation as retention sees it: ids, its KLE class and when it was closed (null: open). */
    public record Candidate(UUID id, UUID citizenId, String kleClass, Instant closedAt) {
    }

    /**
     * Closed before {@code before}, after the keyset position ({@code afterClosedAt}, {@code afterId}), at
     * most {@code limit}. With {@code lock}, the rows are locked for the caller's transaction and rows
     * another transaction holds (a reopen in progress, another replica's batch) are skipped: a conversation
     * reopened meanwhile is no longer closed when the lock is granted and is not returned.
     */
    public List<Candidate> closedBefore(Connection c, UUID tenantId, Instant before, Instant afterClosedAt,
            UUID afterId, int limit, boolean lock) throws SQLException {
        List<Candidate> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("""
                SELECT id, citizen_id, kle_class, closed_at FROM conversation
                WHERE tenant_id = ? AND status = 'closed' AND closed_at < ? AND (closed_at, id) > (?, ?)
                ORDER BY closed_at, id LIMIT ?""" + (lock ? " FOR UPDATE SKIP LOCKED" : ""))) {
            st.setObject(1, tenantId);
            st.setObject(2, before.atOffset(ZoneOffset.UTC));
            st.setObject(3, afterClosedAt.atOffset(ZoneOffset.UTC));
            st.setObject(4, afterId);
            st.setInt(5, limit);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(candidate(rs));
                }
            }
        }
        return out;
    }

    /** Every conversation of the citizen in the tenant, open or closed (locked with {@code lock}). */
    public List<Candidate> ofCitizen(Connection c, UUID tenantId, UUID citizenId, boolean lock) throws SQLException {
        List<Candidate> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("""
                SELECT id, citizen_id, kle_class, closed_at FROM conversation
                WHERE tenant_id = ? AND citizen_id = ? ORDER BY created_at, id""" + (lock ? " FOR UPDATE" : ""))) {
            st.setObject(1, tenantId);
            st.setObject(2, citizenId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(candidate(rs));
                }
            }
        }
        return out;
    }

    private static Candidate candidate(ResultSet rs) throws SQLException {
        OffsetDateTime closed = rs.getObject(4, OffsetDateTime.class);
        return new Candidate(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                closed == null ? null : closed.toInstant());
    }
}
