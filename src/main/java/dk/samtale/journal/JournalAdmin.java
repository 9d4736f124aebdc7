package dk.samtale.journal;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

import dk.samtale.platform.ProblemException;

/** A tenant's journal settings and its push dead letters, for the tenant's admins. Blocking (JDBC). */
@ApplicationScoped
public class JournalAdmin {

    public record Settings(String recipientCertificate, String pushUrl) {
    }

    public record DeadLetter(UUID entryId, long position, int attempts, Integer lastStatus, String lastError,
            Instant createdAt) {
    }

    private final AgroalDataSource db;
    private final JournalRelay relay;

    JournalAdmin(AgroalDataSource db, JournalRelay relay) {
        this.db = db;
        this.relay = relay;
    }

    public Settings settings(UUID tenantId) {
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT recipient_certificate, push_url FROM journal_settings WHERE tenant_id = ?")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new Settings(rs.getString(1), rs.getString(2)) : new Settings(null, null);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sets the case system's certificate (entries made from now on are also encrypted to it) and the push
     * endpoint (entries made from now on are pushed there). Null clears either.
     */
    public Settings update(UUID tenantId, Settings s) {
        String cert = s.recipientCertificate() == null || s.recipientCertificate().isBlank()
                ? null
                : s.recipientCertificate().strip();
        String url = s.pushUrl() == null || s.pushUrl().isBlank() ? null : s.pushUrl().strip();
        if (cert != null) {
            try {
                var certificate = RecipientEnvelope.certificate(cert);
                if (!"RSA".equals(certificate.getPublicKey().getAlgorithm())) {
                    throw ProblemException.invalid("recipientCertificate", "must have an RSA public key");
                }
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid("recipientCertificate", "must be an X.509 certificate in PEM");
            }
        }
        if (url != null) {
            try {
                URI u = URI.create(url);
                if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid("pushUrl", "must be an absolute https (or http) URL");
            }
        }
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement(
                        """
                                INSERT INTO journal_settings (tenant_id, recipient_certificate, push_url, updated_at) VALUES (?, ?, ?, now())
                                ON CONFLICT (tenant_id) DO UPDATE SET recipient_certificate = EXCLUDED.recipient_certificate,
                                    push_url = EXCLUDED.push_url, updated_at = now()""")) {
            st.setObject(1, tenantId);
            st.setString(2, cert);
            st.setString(3, url);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Settings(cert, url);
    }

    public List<DeadLetter> deadLetters(UUID tenantId, int limit) {
        List<DeadLetter> list = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement("""
                SELECT entry_id, position, attempts, last_status, last_error, created_at FROM journal_delivery
                WHERE tenant_id = ? AND state = 'dead' ORDER BY position LIMIT ?""")) {
            st.setObject(1, tenantId);
            st.setInt(2, limit);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    list.add(new DeadLetter(rs.getObject(1, UUID.class), rs.getLong(2), rs.getInt(3),
                            (Integer) rs.getObject(4), rs.getString(5),
                            rs.getObject(6, OffsetDateTime.class).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return list;
    }

    /** Puts a dead letter back in the queue with a fresh attempt count; another tenant's is not found. */
    public void replay(UUID tenantId, UUID entryId) {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement("""
                UPDATE journal_delivery SET state = 'pending', attempts = 0, next_attempt_at = now(), lease_until = NULL
                WHERE entry_id = ? AND tenant_id = ? AND state = 'dead'""")) {
            st.setObject(1, entryId);
            st.setObject(2, tenantId);
            if (st.executeUpdate() == 0) {
                throw ProblemException.notFound("dead letter");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        relay.wake();
    }
}
