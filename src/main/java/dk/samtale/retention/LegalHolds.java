package dk.samtale.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.conversation.ClosedConversations.Candidate;
import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;

/** Legal holds (table legal_hold): placed and lifted by a tenant's admin, never deleted. */
@ApplicationScoped
class LegalHolds {

    /** A hold as the API shows it; exactly one of conversationId and citizenId is set. */
    public record Hold(UUID id, UUID conversationId, UUID citizenId, String reason, String placedBy, Instant placedAt,
            String liftedBy, Instant liftedAt, String liftReason) {
    }

    Hold place(Connection c, UUID tenantId, UUID id, UUID conversationId, UUID citizenId, String reason, String by,
            Instant now) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO legal_hold (id, tenant_id, conversation_id, citizen_id, reason, placed_by, placed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            st.setObject(1, id);
            st.setObject(2, tenantId);
            st.setObject(3, conversationId);
            st.setObject(4, citizenId);
            st.setString(5, reason);
            st.setString(6, by);
            st.setObject(7, now.atOffset(ZoneOffset.UTC));
            st.executeUpdate();
        }
        return new Hold(id, conversationId, citizenId, reason, by, now, null, null, null);
    }

    /** Lifts an active hold of the tenant; 404 for another tenant's or an unknown one, 409 when lifted. */
    Hold lift(Connection c, UUID tenantId, UUID id, String reason, String by, Instant now) throws SQLException {
        Hold h = get(c, tenantId, id);
        if (h == null) {
            throw ProblemException.notFound("legal hold");
        }
        if (h.liftedAt() != null) {
            throw new ProblemException(ErrorCode.HOLD_LIFTED, "The legal hold was lifted at " + h.liftedAt());
        }
        try (PreparedStatement st = c.prepareStatement("""
                UPDATE legal_hold SET lifted_by = ?, lifted_at = ?, lift_reason = ?
                WHERE id = ? AND tenant_id = ? AND lifted_at IS NULL""")) {
            st.setString(1, by);
            st.setObject(2, now.atOffset(ZoneOffset.UTC));
            st.setString(3, reason);
            st.setObject(4, id);
            st.setObject(5, tenantId);
            st.executeUpdate();
        }
        return get(c, tenantId, id);
    }

    Hold get(Connection c, UUID tenantId, UUID id) throws SQLException {
        List<Hold> found = list(c, tenantId, "AND id = ?", id);
        return found.isEmpty() ? null : found.get(0);
    }

    List<Hold> list(Connection c, UUID tenantId, boolean includeLifted) throws SQLException {
        return list(c, tenantId, includeLifted ? "" : "AND lifted_at IS NULL", null);
    }

    /** Of these candidates, the ids held by an active hold on them or on their citizen. */
    Set<UUID> held(Connection c, UUID tenantId, Collection<Candidate> candidates) throws SQLException {
        Set<UUID> out = new HashSet<>();
        if (candidates.isEmpty()) {
            return out;
        }
        Set<UUID> conversations = new HashSet<>();
        Set<UUID> citizens = new HashSet<>();
        try (PreparedStatement st = c.prepareStatement("""
                SELECT conversation_id, citizen_id FROM legal_hold
                WHERE tenant_id = ? AND lifted_at IS NULL AND (conversation_id = ANY(?) OR citizen_id = ANY(?))""")) {
            st.setObject(1, tenantId);
            st.setArray(2, c.createArrayOf("uuid", candidates.stream().map(Candidate::id).toArray()));
            st.setArray(3, c.createArrayOf("uuid", candidates.stream().map(Candidate::citizenId).distinct().toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    UUID conversation = rs.getObject(1, UUID.class);
                    UUID citizen = rs.getObject(2, UUID.class);
                    if (conversation != null) {
                        conversations.add(conversation);
                    }
                    if (citizen != null) {
                        citizens.add(citizen);
                    }
                }
            }
        }
        for (Candidate k : candidates) {
            if (conversations.contains(k.id()) || citizens.contains(k.citizenId())) {
                out.add(k.id());
            }
        }
        return out;
    }

    private List<Hold> list(Connection c, UUID tenantId, String filter, UUID id) throws SQLException {
        List<Hold> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("""
                SELECT id, conversation_id, citizen_id, reason, placed_by, placed_at, lifted_by, lifted_at, lift_reason
                FROM legal_hold WHERE tenant_id = ? """ + filter + " ORDER BY placed_at, id")) {
            st.setObject(1, tenantId);
            if (id != null) {
                st.setObject(2, id);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new Hold(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getObject(3, UUID.class), rs.getString(4), rs.getString(5),
                            rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getString(7),
                            instant(rs.getObject(8, OffsetDateTime.class)), rs.getString(9)));
                }
            }
        }
        return out;
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
