package dk.samtale.sms;

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
 * SMS notices that are done (sent, delivered, failed, cancelled) with the number they went to and the
 * gateway's delivery report: kept for the tenant's period (default 90 days, the gateway's own billing
 * dispute window), then deleted. A message's SMS state is then no longer shown.
 */
@ApplicationScoped
class SmsNoticeExpiry implements ExpiringRecords {

    @Override
    public String kind() {
        return "sms-notices";
    }

    @Override
    public int defaultDays() {
        return 90;
    }

    @Override
    public long due(Connection c, UUID tenantId, Instant cutoff) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT count(*) FROM sms_notice t WHERE t.tenant_id = ? AND t.state IN ('sent', 'delivered', 'failed', 'cancelled') AND t.updated_at < ?")) {
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
                        DELETE FROM sms_notice WHERE ctid IN (
                            SELECT t.ctid FROM sms_notice t WHERE t.tenant_id = ? AND t.state IN ('sent', 'delivered', 'failed', 'cancelled') AND t.updated_at < ? LIMIT ? FOR UPDATE SKIP LOCKED)""")) {
            st.setObject(1, tenantId);
            st.setObject(2, cutoff.atOffset(ZoneOffset.UTC));
            st.setInt(3, limit);
            return st.executeUpdate();
        }
    }
}
