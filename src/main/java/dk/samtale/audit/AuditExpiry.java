package dk.samtale.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ExpiringRows;

/**
 * Staff audit rows past the tenant's period (default five years, 1,826 days; set your municipality's
 * own rule). audit_entry is append-only by trigger; this is the one statement allowed to delete, and
 * only in its own transaction, which it marks with {@code samtale.audit_prune} (V21).
 */
@ApplicationScoped
class AuditExpiry extends ExpiringRows {

    AuditExpiry() {
        super("audit", 1826, "audit_entry", "t.tenant_id = ? AND t.at < ?");
    }

    @Override
    protected void beforeDelete(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT set_config('samtale.audit_prune', 'on', true)")) {
            st.execute();
        }
    }
}
