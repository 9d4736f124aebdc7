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
 * Incoming SMS that became no message (unknown sender, STOP/START, no conversation): kept for the
 * tenant's period (default 30 days: long enough to answer "did you get my SMS?"), then deleted with the
 * sealed number and text they hold.
 */
@ApplicationScoped
class UnmatchedSmsExpiry implements ExpiringRecords {

    @Override
    public String kind() {
        return "sms-unmatched";
    }

    @Override
    public int defaultDays() {
        return 30;
    }

    @Override
    public long due(Connection c, UUID tenantId, Instant cutoff) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT count(*) FROM sms_inbound t WHERE t.tenant_id = ? AND t.message_id IS NULL AND t.received_at < ?")) {
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
                        DELETE FROM sms_inbound WHERE ctid IN (
                            SELECT t.ctid FROM sms_inbound t WHERE t.tenant_id = ? AND t.message_id IS NULL AND t.received_at < ? LIMIT ? FOR UPDATE SKIP LOCKED)""")) {
            st.setObject(1, tenantId);
            st.setObject(2, cutoff.atOffset(ZoneOffset.UTC));
            st.setInt(3, limit);
            return st.executeUpdate();
        }
    }
}
