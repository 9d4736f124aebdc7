package dk.samtale.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

import dk.samtale.platform.AccessLog;
import dk.samtale.platform.Times;

/**
 * The access log's writes and its chain checks, in JDBC on the caller's thread (the buffer's relay thread, a
 * worker thread for verification): appending a batch under each tenant's head row lock, pruning the oldest
 * entries past the retention period, and walking a tenant's chain.
 */
@ApplicationScoped
class AccessLogStore {

    /** An access waiting to be appended: its id and time are fixed when it happened, its position when stored. */
    record Pending(AccessLog.Access access, UUID id, Instant at) {
    }

    /** What a walk of a tenant's chain found. */
    record Verification(boolean intact, long checked, long firstPosition, long headPosition, Long brokenAt,
            String problem) {
    }

    private static final int PAGE = 1000;

    private final AgroalDataSource db;
    private final RecordsConfig.AccessLogConfig config;

    AccessLogStore(AgroalDataSource db, RecordsConfig config) {
        this.db = db;
        this.config = config.accessLog();
    }

    /**
     * Appends the accesses, in order per tenant, in one transaction: each tenant's head row is locked (tenants
     * in id order, so two replicas flushing at once never deadlock), positions continue from it, and it moves
     * to the last entry. All or nothing: on failure nothing is stored and the caller keeps the batch.
     */
    void append(List<Pending> batch) throws SQLException {
        Map<UUID, List<Pending>> byTenant = new TreeMap<>();
        for (Pending p : batch) {
            byTenant.computeIfAbsent(p.access().tenantId(), t -> new ArrayList<>()).add(p);
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (var e : byTenant.entrySet()) {
                    append(c, e.getKey(), e.getValue());
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void append(Connection c, UUID tenantId, List<Pending> pending) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO access_log_head (tenant_id, position, hash, first_position, anchor_hash)
                VALUES (?, 0, ?, 1, ?) ON CONFLICT (tenant_id) DO NOTHING""")) {
            st.setObject(1, tenantId);
            st.setBytes(2, AccessChain.GENESIS);
            st.setBytes(3, AccessChain.GENESIS);
            st.executeUpdate();
        }
        long position;
        byte[] hash;
        try (PreparedStatement st = c
                .prepareStatement("SELECT position, hash FROM access_log_head WHERE tenant_id = ? FOR UPDATE")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                position = rs.getLong(1);
                hash = rs.getBytes(2);
            }
        }
        Map<UUID, String> purposes = purposes(c, tenantId);
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO access_log (tenant_id, position, id, at, actor_kind, actor_id, actor_client, citizen_id,
                                        conversation_id, unit_id, kind, purpose, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (Pending p : pending) {
                AccessLog.Access a = p.access();
                String purpose = purpose(purposes, a);
                AccessEntry entry = new AccessEntry(tenantId, ++position, p.id(), p.at(), a.who().type().name(),
                        a.who().id(), a.who().client(), a.citizenId(), a.conversationId(), a.unitId(), a.kind().code(),
                        purpose, hash, null);
                byte[] next = AccessChain.hash(hash, entry);
                st.setObject(1, tenantId);
                st.setLong(2, entry.position());
                st.setObject(3, entry.id());
                st.setObject(4, Times.utc(entry.at()));
                st.setString(5, entry.actorKind());
                st.setObject(6, entry.actorId());
                st.setString(7, entry.actorClient());
                st.setObject(8, entry.citizenId());
                st.setObject(9, entry.conversationId());
                st.setObject(10, entry.unitId());
                st.setString(11, entry.kind());
                st.setString(12, purpose);
                st.setBytes(13, hash);
                st.setBytes(14, next);
                st.addBatch();
                hash = next;
            }
            st.executeBatch();
        }
        try (PreparedStatement st = c
                .prepareStatement("UPDATE access_log_head SET position = ?, hash = ? WHERE tenant_id = ?")) {
            st.setLong(1, position);
            st.setBytes(2, hash);
            st.setObject(3, tenantId);
            st.executeUpdate();
        }
    }

    private static Map<UUID, String> purposes(Connection c, UUID tenantId) throws SQLException {
        Map<UUID, String> purposes = new HashMap<>();
        try (PreparedStatement st = c
                .prepareStatement("SELECT unit_id, purpose FROM access_purpose WHERE tenant_id = ?")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    purposes.put(rs.getObject(1, UUID.class), rs.getString(2));
                }
            }
        }
        return purposes;
    }

    /** The unit's own purpose, else the kind's configured one, else the default. */
    private String purpose(Map<UUID, String> units, AccessLog.Access a) {
        String unit = a.unitId() == null ? null : units.get(a.unitId());
        if (unit != null) {
            return unit;
        }
        return config.kindPurposes().getOrDefault(a.kind().code(), config.defaultPurpose());
    }

    /**
     * Deletes up to one batch of the tenant's oldest entries recorded before {@code cutoff} — only a run from
     * the start of the chain, so what remains still chains from the anchor — and moves the anchor to the last
     * deleted entry's hash, in one transaction. Returns how many were deleted.
     */
    int prune(UUID tenantId, Instant cutoff, int batch) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                int n = prune(c, tenantId, cutoff, batch);
                c.commit();
                return n;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static int prune(Connection c, UUID tenantId, Instant cutoff, int batch) throws SQLException {
        long first;
        try (PreparedStatement st = c
                .prepareStatement("SELECT first_position FROM access_log_head WHERE tenant_id = ? FOR UPDATE")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
                first = rs.getLong(1);
            }
        }
        // the run of entries from the start that are all older than the cutoff (times are not strictly in
        // position order across replicas: the run stops at the first younger one)
        long last = first - 1;
        byte[] anchor = null;
        try (PreparedStatement st = c.prepareStatement("""
                SELECT position, at, hash FROM access_log WHERE tenant_id = ? AND position >= ?
                ORDER BY position LIMIT ?""")) {
            st.setObject(1, tenantId);
            st.setLong(2, first);
            st.setInt(3, batch);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next() && rs.getLong(1) == last + 1
                        && rs.getObject(2, OffsetDateTime.class).toInstant().isBefore(cutoff)) {
                    last = rs.getLong(1);
                    anchor = rs.getBytes(3);
                }
            }
        }
        if (anchor == null) {
            return 0;
        }
        try (PreparedStatement st = c.prepareStatement("SELECT set_config('samtale.access_log_pruning', 'on', true)")) {
            st.execute();
        }
        int deleted;
        try (PreparedStatement st = c
                .prepareStatement("DELETE FROM access_log WHERE tenant_id = ? AND position BETWEEN ? AND ?")) {
            st.setObject(1, tenantId);
            st.setLong(2, first);
            st.setLong(3, last);
            deleted = st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement(
                """
                        UPDATE access_log_head SET first_position = ?, anchor_hash = ?, pruned_at = now() WHERE tenant_id = ?""")) {
            st.setLong(1, last + 1);
            st.setBytes(2, anchor);
            st.setObject(3, tenantId);
            st.executeUpdate();
        }
        return deleted;
    }

    /** Tenants whose oldest remaining entry is older than the cutoff. */
    List<UUID> dueForPruning(Instant cutoff) throws SQLException {
        List<UUID> due = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement("""
                SELECT h.tenant_id FROM access_log_head h
                JOIN access_log a ON a.tenant_id = h.tenant_id AND a.position = h.first_position
                WHERE a.at < ?""")) {
            st.setObject(1, Times.utc(cutoff));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    due.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return due;
    }

    /**
     * Walks the tenant's chain from its anchor to its head, a page at a time: every position present once, in
     * order, each entry's previous hash the one before's hash and its own hash recomputed; the last one the head.
     */
    Verification verify(UUID tenantId) throws SQLException {
        try (Connection c = db.getConnection()) {
            // one snapshot for the head and every page: entries appended meanwhile are not half seen
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                return verify(c, tenantId);
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        }
    }

    private static Verification verify(Connection c, UUID tenantId) throws SQLException {
        long first;
        long head;
        byte[] expected;
        byte[] headHash;
        try (PreparedStatement st = c.prepareStatement(
                "SELECT first_position, anchor_hash, position, hash FROM access_log_head WHERE tenant_id = ?")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return new Verification(true, 0, 1, 0, null, null);
                }
                first = rs.getLong(1);
                expected = rs.getBytes(2);
                head = rs.getLong(3);
                headHash = rs.getBytes(4);
            }
        }
        long next = first;
        long checked = 0;
        while (true) {
            List<AccessEntry> page = page(c, tenantId, next);
            for (AccessEntry e : page) {
                if (e.position() != next) {
                    return new Verification(false, checked, first, head, next, "entry missing");
                }
                if (!AccessChain.verifies(expected, e)) {
                    return new Verification(false, checked, first, head, e.position(), "hash mismatch");
                }
                expected = e.hash();
                next++;
                checked++;
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        if (next - 1 != head || !AccessChain.same(expected, headHash)) {
            return new Verification(false, checked, first, head, next, "chain ends before its head");
        }
        return new Verification(true, checked, first, head, null, null);
    }

    private static List<AccessEntry> page(Connection c, UUID tenantId, long from) throws SQLException {
        List<AccessEntry> page = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("""
                SELECT position, id, at, actor_kind, actor_id, actor_client, citizen_id, conversation_id, unit_id, kind,
                       purpose, previous_hash, hash
                FROM access_log WHERE tenant_id = ? AND position >= ? ORDER BY position LIMIT ?""")) {
            st.setObject(1, tenantId);
            st.setLong(2, from);
            st.setInt(3, PAGE);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    page.add(new AccessEntry(tenantId, rs.getLong(1), rs.getObject(2, UUID.class),
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4),
                            rs.getObject(5, UUID.class), rs.getString(6),
                            rs.getObject(7, UUID.class), rs.getObject(8, UUID.class), rs.getObject(9, UUID.class),
                            rs.getString(10), rs.getString(11), rs.getBytes(12), rs.getBytes(13)));
                }
            }
        }
        return page;
    }
}
