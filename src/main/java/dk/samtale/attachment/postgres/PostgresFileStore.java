package dk.samtale.attachment.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

import dk.samtale.attachment.FileStore;

/**
 * Files as rows of chunks in PostgreSQL (table {@code attachment_chunk}): works on the embedded database
 * and on any PostgreSQL, and is covered by its backups. One row per chunk keeps each statement's memory
 * to one chunk, on the way in and out.
 */
@ApplicationScoped
public class PostgresFileStore implements FileStore {

    private final AgroalDataSource db;

    PostgresFileStore(AgroalDataSource db) {
        this.db = db;
    }

    @Override
    public void write(FileRef ref, Iterator<byte[]> chunks) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO attachment_chunk (attachment_id, variant, idx, data) VALUES (?, ?, ?, ?)")) {
                int index = 0;
                while (chunks.hasNext()) {
                    insert.setObject(1, ref.attachmentId());
                    insert.setString(2, ref.variant().name());
                    insert.setInt(3, index++);
                    insert.setBytes(4, chunks.next());
                    insert.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("storing a file failed", e);
        }
    }

    @Override
    public int chunkCount(FileRef ref) {
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement(
                        "SELECT count(*) FROM attachment_chunk WHERE attachment_id = ? AND variant = ?")) {
            q.setObject(1, ref.attachmentId());
            q.setString(2, ref.variant().name());
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading a file failed", e);
        }
    }

    @Override
    public byte[] chunk(FileRef ref, int index) {
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement(
                        "SELECT data FROM attachment_chunk WHERE attachment_id = ? AND variant = ? AND idx = ?")) {
            q.setObject(1, ref.attachmentId());
            q.setString(2, ref.variant().name());
            q.setInt(3, index);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? r.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading a file failed", e);
        }
    }

    @Override
    public boolean replace(FileRef ref, int index, byte[] data) {
        try (Connection c = db.getConnection();
                PreparedStatement u = c.prepareStatement(
                        "UPDATE attachment_chunk SET data = ? WHERE attachment_id = ? AND variant = ? AND idx = ?")) {
            u.setBytes(1, data);
            u.setObject(2, ref.attachmentId());
            u.setString(3, ref.variant().name());
            u.setInt(4, index);
            return u.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("replacing a chunk failed", e);
        }
    }

    @Override
    public void delete(FileRef ref) {
        try (Connection c = db.getConnection();
                PreparedStatement d = c.prepareStatement(
                        "DELETE FROM attachment_chunk WHERE attachment_id = ? AND variant = ?")) {
            d.setObject(1, ref.attachmentId());
            d.setString(2, ref.variant().name());
            d.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("deleting a file failed", e);
        }
    }
}
