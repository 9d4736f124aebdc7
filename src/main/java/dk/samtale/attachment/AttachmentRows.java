package dk.samtale.attachment;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/**
 * The attachment feature's own tables ({@code attachment}, {@code attachment_policy}), over JDBC: every
 * caller is already on a worker thread (uploads stream, scans block), and each statement is short.
 */
@ApplicationScoped
class AttachmentRows {

    /** A row as stored: the file name still sealed. */
    record Row(UUID id, UUID tenantId, UUID conversationId, String uploaderKind, UUID uploaderId, byte[] fileNameEnc,
            String mediaType, Attachment.State state, Long size, byte[] sha256, boolean hasThumbnail, String verdict,
            int scanAttempts, String clientMessageId, UUID messageId, Instant createdAt) {
    }

    private static final String COLUMNS = """
            id, tenant_id, conversation_id, uploader_kind, uploader_id, file_name_enc, media_type, state, size_bytes,
            sha256, has_thumbnail, verdict, scan_attempts, client_message_id, message_id, created_at""";

    private final AgroalDataSource db;

    AttachmentRows(AgroalDataSource db) {
        this.db = db;
    }

    /** {@code keyId}: the data key its name and chunks are sealed under (for re-encryption after a rotation). */
    void insert(Row r, Instant nextScanAt, int keyId) {
        update("""
                INSERT INTO attachment (id, tenant_id, conversation_id, uploader_kind, uploader_id, file_name_enc,
                    media_type, state, size_bytes, sha256, has_thumbnail, verdict, scan_attempts, next_scan_at,
                    created_at, accepted_at, sealed_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", r.id(), r.tenantId(), r.conversationId(),
                r.uploaderKind(), r.uploaderId(), r.fileNameEnc(), r.mediaType(), r.state().name(), r.size(),
                r.sha256(),
                r.hasThumbnail(), r.verdict(), r.scanAttempts(), ts(nextScanAt), ts(r.createdAt()),
                r.state() == Attachment.State.accepted ? ts(r.createdAt()) : null, keyId);
    }

    /** Uploads of the tenant with content, not known to be sealed under {@code activeKey}, by id after {@code after}. */
    List<Row> sealedUnder(UUID tenantId, int activeKey, UUID after, int limit) {
        return query("SELECT " + COLUMNS + " FROM attachment WHERE tenant_id = ? AND state IN ('accepted', "
                + "'quarantined') AND sealed_key IS DISTINCT FROM ? AND id > ? ORDER BY id LIMIT ?", tenantId,
                activeKey,
                after, limit);
    }

    /** Its name and chunks are now under {@code keyId}; the name replaced only if nobody changed it meanwhile. */
    void resealed(UUID id, byte[] oldName, byte[] newName, int keyId) {
        update("""
                UPDATE attachment SET sealed_key = ?,
                    file_name_enc = CASE WHEN file_name_enc = ? THEN ? ELSE file_name_enc END
                WHERE id = ?""", keyId, oldName, newName, id);
    }

    Row find(UUID tenantId, UUID id) {
        List<Row> rows = query("SELECT " + COLUMNS + " FROM attachment WHERE tenant_id = ? AND id = ?", tenantId, id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The attachments of messages, in upload order. */
    List<Row> ofMessages(UUID tenantId, List<UUID> messageIds) {
        if (messageIds.isEmpty()) {
            return List.of();
        }
        return query("SELECT " + COLUMNS + " FROM attachment WHERE tenant_id = ? AND message_id = ANY(?) ORDER BY id",
                tenantId, messageIds.toArray(UUID[]::new));
    }

    /**
     * Deletes up to {@code limit} accepted or quarantined uploads created before {@code cutoff} that no
     * message took, skipping rows a message is linking right now; returns their ids.
     */
    List<UUID> deleteUnsent(Instant cutoff, int limit) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                DELETE FROM attachment WHERE id IN (
                  SELECT id FROM attachment WHERE message_id IS NULL AND created_at < ?
                    AND state IN ('accepted', 'quarantined')
                  ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING id""")) {
            s.setObject(1, ts(cutoff));
            s.setInt(2, limit);
            try (ResultSet r = s.executeQuery()) {
                List<UUID> ids = new ArrayList<>();
                while (r.next()) {
                    ids.add(r.getObject(1, UUID.class));
                }
                return ids;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("deleting unsent uploads failed", e);
        }
    }

    /** A quarantined upload scanned clean and cleaned. */
    boolean accept(UUID id, long size, byte[] sha256, boolean hasThumbnail, String verdict, Instant now) {
        return update("""
                UPDATE attachment SET state = 'accepted', size_bytes = ?, sha256 = ?, has_thumbnail = ?, verdict = ?,
                    next_scan_at = NULL, accepted_at = ? WHERE id = ? AND state = 'quarantined'""", size, sha256,
                hasThumbnail, verdict, ts(now), id) == 1;
    }

    boolean infected(UUID id, String signature) {
        return update("""
                UPDATE attachment SET state = 'infected', verdict = ?, next_scan_at = NULL
                WHERE id = ? AND state = 'quarantined'""", signature, id) == 1;
    }

    boolean refused(UUID id, String reason) {
        return update("""
                UPDATE attachment SET state = 'refused', verdict = ?, next_scan_at = NULL
                WHERE id = ? AND state = 'quarantined'""", reason, id) == 1;
    }

    void retryAt(UUID id, Instant next) {
        update("UPDATE attachment SET next_scan_at = ? WHERE id = ? AND state = 'quarantined'", ts(next), id);
    }

    /**
     * Quarantined uploads due for a rescan, each leased until {@code leaseUntil} (so another replica does
     * not scan it at the same time; a replica that dies leaves the lease to run out).
     */
    List<Row> claimDue(Instant now, Instant leaseUntil, int limit) {
        return query("""
                UPDATE attachment SET next_scan_at = ?, scan_attempts = scan_attempts + 1
                WHERE id IN (SELECT id FROM attachment WHERE state = 'quarantined' AND next_scan_at <= ?
                             ORDER BY next_scan_at LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING\s""" + COLUMNS, ts(leaseUntil), ts(now), limit);
    }

    long quarantined() {
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement("SELECT count(*) FROM attachment WHERE state = 'quarantined'");
                ResultSet r = q.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    Policy policy(UUID tenantId) {
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement(
                        "SELECT allowed_types, max_file_bytes, max_message_bytes FROM attachment_policy WHERE tenant_id = ?")) {
            q.setObject(1, tenantId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                return new Policy(List.of((String[]) r.getArray(1).getArray()), r.getLong(2), r.getLong(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void setPolicy(UUID tenantId, Policy p) {
        try (Connection c = db.getConnection();
                PreparedStatement u = c.prepareStatement(
                        """
                                INSERT INTO attachment_policy (tenant_id, allowed_types, max_file_bytes, max_message_bytes)
                                VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET allowed_types = EXCLUDED.allowed_types,
                                    max_file_bytes = EXCLUDED.max_file_bytes, max_message_bytes = EXCLUDED.max_message_bytes""")) {
            Array types = c.createArrayOf("text", p.allowedTypes().toArray());
            u.setObject(1, tenantId);
            u.setArray(2, types);
            u.setLong(3, p.maxFileBytes());
            u.setLong(4, p.maxMessageBytes());
            u.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] sha256) {
        return sha256 == null ? null : HexFormat.of().formatHex(sha256);
    }

    private int update(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(c, s, args);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("attachment statement failed", e);
        }
    }

    private List<Row> query(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(c, s, args);
            try (ResultSet r = s.executeQuery()) {
                List<Row> rows = new ArrayList<>();
                while (r.next()) {
                    rows.add(row(r));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("attachment query failed", e);
        }
    }

    private static void bind(Connection c, PreparedStatement s, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof UUID[] ids) {
                s.setArray(i + 1, c.createArrayOf("uuid", ids));
            } else if (a == null) {
                s.setObject(i + 1, null);
            } else {
                s.setObject(i + 1, a);
            }
        }
    }

    private static Row row(ResultSet r) throws SQLException {
        long size = r.getLong("size_bytes");
        boolean noSize = r.wasNull();
        OffsetDateTime created = r.getObject("created_at", OffsetDateTime.class);
        return new Row(r.getObject("id", UUID.class), r.getObject("tenant_id", UUID.class),
                r.getObject("conversation_id", UUID.class), r.getString("uploader_kind"),
                r.getObject("uploader_id", UUID.class), r.getBytes("file_name_enc"), r.getString("media_type"),
                Attachment.State.valueOf(r.getString("state")), noSize ? null : size, r.getBytes("sha256"),
                r.getBoolean("has_thumbnail"), r.getString("verdict"), r.getInt("scan_attempts"),
                r.getString("client_message_id"), r.getObject("message_id", UUID.class),
                created == null ? null : created.toInstant());
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
