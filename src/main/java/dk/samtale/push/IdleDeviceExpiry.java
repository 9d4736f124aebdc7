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
 * Devices (push tokens) not seen for the tenant's period (default 180 days: the app was removed or
 * replaced; FCM itself drops tokens unused for 270 days): deleted with their sealed token.
 */
@ApplicationScoped
class IdleDeviceExpiry implements ExpiringRecords {

    @Override
    public String kind() {
        return "devices";
    }

    @Override
    public int defaultDays() {
        return 180;
    }

    @Override
    public long due(Connection c, UUID tenantId, Instant cutoff) throws SQLException {
        try (PreparedStatement st = c
                .prepareStatement("SELECT count(*) FROM device t WHERE t.tenant_id = ? AND t.last_seen_at < ?")) {
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
                        DELETE FROM device WHERE ctid IN (
                            SELECT t.ctid FROM device t WHERE t.tenant_id = ? AND t.last_seen_at < ? LIMIT ? FOR UPDATE SKIP LOCKED)""")) {
            st.setObject(1, tenantId);
            st.setObject(2, cutoff.atOffset(ZoneOffset.UTC));
            st.setInt(3, limit);
            return st.executeUpdate();
        }
    }
}
