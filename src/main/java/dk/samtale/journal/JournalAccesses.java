package dk.samtale.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

import dk.samtale.identity.Caller;
import dk.samtale.platform.AccessLog;

/**
 * The case system pulling journal entries is an access to the citizens they are about: one access-log entry
 * per conversation (and its citizen) on a page, by the service client. Blocking (JDBC): the pull feed runs
 * on worker threads. The log coalesces a case system that pulls the same conversation again and again.
 */
@ApplicationScoped
class JournalAccesses {

    private final AgroalDataSource db;
    private final AccessLog log;

    JournalAccesses(AgroalDataSource db, AccessLog log) {
        this.db = db;
        this.log = log;
    }

    /** Entries with positions in (after, last] were served. */
    void pulled(Caller caller, long after, long last) {
        if (last > after) {
            record(caller, """
                    SELECT DISTINCT e.conversation_id, c.citizen_id, c.unit_id FROM journal_entry e
                    JOIN conversation c ON c.id = e.conversation_id
                    WHERE e.tenant_id = ? AND e.position > ? AND e.position <= ?""", after, last);
        }
    }

    /** One entry was served. */
    void pulled(Caller caller, UUID entryId) {
        record(caller, """
                SELECT e.conversation_id, c.citizen_id, c.unit_id FROM journal_entry e
                JOIN conversation c ON c.id = e.conversation_id
                WHERE e.tenant_id = ? AND e.id = ?""", entryId);
    }

    private void record(Caller caller, String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, caller.tenantId());
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 2, args[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    log.record(new AccessLog.Access(caller.tenantId(), AccessLog.Accessor.service(caller.name()),
                            rs.getObject(2, UUID.class), rs.getObject(1, UUID.class), rs.getObject(3, UUID.class),
                            AccessLog.Kind.JOURNAL_PULLED));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
