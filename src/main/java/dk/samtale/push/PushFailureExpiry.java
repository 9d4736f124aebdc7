package dk.samtale.push;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ExpiringRecords;

/**
 * Recorded push failures (ids and a reason, no text): kept for the tenant's period (default 30 days,
 * for support), then deleted.
 */
@ApplicationScoped
class PushFailureExpiry implements ExpiringRecords {

    @Override
    public String kind() {
        return "push-failures";
    }

    @Override
    public int defaultDays() {
        return 30;
    }

    @Override
    public long due(Connection c, UUID tenantId, Instant cutoff) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT count(*) FROM push_failure t WHERE t.conversation_id IN (SELECT id FROM conversation WHERE tenant_id = ?) AND t.failed_at < ?")) {
            st.setObject(1, tenantId);
            st.setObject(2, cutoff.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public int delete(Connection c, UUID tenantId, Instant cutoff, int limit) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                """
                        DELETE FROM push_failure WHERE ctid IN (
                            SELECT t.ctid FROM push_failure t WHERE t.conversation_id IN (SELECT id FROM conversation WHERE tenant_id = ?) AND t.failed_at < ? LIMIT ? FOR UPDATE SKIP LOCKED)""")) {
            st.setObject(1, tenantId);
            st.setObject(2, cutoff.atOffset(ZoneOffset.UTC));
            st.setInt(3, limit);
            return st.executeUpdate();
        }
    }
}
