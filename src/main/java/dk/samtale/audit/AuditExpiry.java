package dk.samtale.audit;

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
 * Staff audit rows past the tenant's period (default five years, 1,826 days; set your municipality's
 * own rule). audit_entry is append-only by trigger; this is the one statement allowed to delete, and
 * only in its own transaction, which it marks with {@code samtale.audit_prune} (V21).
 */
@ApplicationScoped
class AuditExpiry implements ExpiringRecords {

    @Override
    public String kind() {
        return "audit";
    }

    @Override
    public int defaultDays() {
        return 1826;
    }

    @Override
    public long due(Connection c, UUID tenantId, Instant cutoff) throws SQLException {
        try (PreparedStatement st = c
                .prepareStatement("SELECT count(*) FROM audit_entry t WHERE t.tenant_id = ? AND t.at < ?")) {
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
        try (PreparedStatement st = c.prepareStatement("SELECT set_config('samtale.audit_prune', 'on', true)")) {
            st.execute();
        }
        try (PreparedStatement st = c.prepareStatement(
                """
                        DELETE FROM audit_entry WHERE ctid IN (
                            SELECT t.ctid FROM audit_entry t WHERE t.tenant_id = ? AND t.at < ? LIMIT ? FOR UPDATE SKIP LOCKED)""")) {
            st.setObject(1, tenantId);
            st.setObject(2, cutoff.atOffset(ZoneOffset.UTC));
            st.setInt(3, limit);
            return st.executeUpdate();
        }
    }
}
