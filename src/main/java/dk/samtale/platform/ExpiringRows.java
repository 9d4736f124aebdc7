package dk.samtale.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * {@link ExpiringRecords} of one table: the rows {@code where} selects (alias {@code t}, the tenant as its
 * first parameter and the cutoff as its second), counted for a dry run and deleted in bounded statements
 * that skip rows another transaction holds.
 */
public abstract class ExpiringRows implements ExpiringRecords {

    private final String kind;
    private final int defaultDays;
    private final String count;
    private final String delete;

    protected ExpiringRows(String kind, int defaultDays, String table, String where) {
        this.kind = kind;
        this.defaultDays = defaultDays;
        this.count = "SELECT count(*) FROM " + table + " t WHERE " + where;
        this.delete = "DELETE FROM " + table + " WHERE ctid IN (SELECT t.ctid FROM " + table + " t WHERE " + where
                + " LIMIT ? FOR UPDATE SKIP LOCKED)";
    }

    /** Runs on the delete's transaction just before it (the audit trail marks its own pruning). */
    protected void beforeDelete(Connection c) throws SQLException {
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public int defaultDays() {
        return defaultDays;
    }

    @Override
    public long due(Connection c, UUID tenantId, Instant cutoff) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(count)) {
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
        beforeDelete(c);
        try (PreparedStatement st = c.prepareStatement(delete)) {
            st.setObject(1, tenantId);
            st.setObject(2, cutoff.atOffset(ZoneOffset.UTC));
            st.setInt(3, limit);
            return st.executeUpdate();
        }
    }
}
