package dk.samtale.journal;

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

    /**
     * @param auth how the service authenticates to the case system: {@code client-credentials} (OAuth 2.0,
     *        with tokenUrl, clientId and optional scope; the secret is a mounted file) or {@code mutual-tls}
     *        (the client certificate is a mounted file); {@code none} only where insecure push is allowed
     * @param documentIncludesCpr whether the conversation document names the citizen's CPR number
     */
    public record Settings(String recipientCertificate, String pushUrl, String auth, String tokenUrl,
            String clientId, String scope, Boolean documentIncludesCpr) {
    }

    static final List<String> AUTH = List.of("none", "client-credentials", "mutual-tls");

    public record DeadLetter(UUID entryId, long position, int attempts, Integer lastStatus, String lastError,
            Instant createdAt) {
    }

    private final AgroalDataSource db;
    private final JournalRelay relay;
    private final EndpointPolicy policy;
    private final JournalConfig.Push config;

    JournalAdmin(AgroalDataSource db, JournalRelay relay, EndpointPolicy policy, JournalConfig config) {
        this.db = db;
        this.relay = relay;
        this.policy = policy;
        this.config = config.push();
    }

    public Settings settings(UUID tenantId) {
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement(
                        """
                                SELECT recipient_certificate, push_url, push_auth, token_url, client_id, scope,
                                       document_includes_cpr FROM journal_settings WHERE tenant_id = ?""")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next()
                        ? new Settings(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getBoolean(7))
                        : new Settings(null, null, "none", null, null, null, false);
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
        String slug = slug(tenantId);
        String cert = s.recipientCertificate() == null || s.recipientCertificate().isBlank()
                ? null
                : s.recipientCertificate().strip();
        String url = blankToNull(s.pushUrl());
        String auth = s.auth() == null || s.auth().isBlank() ? "none" : s.auth().strip();
        String tokenUrl = blankToNull(s.tokenUrl());
        String clientId = blankToNull(s.clientId());
        String scope = blankToNull(s.scope());
        boolean includeCpr = Boolean.TRUE.equals(s.documentIncludesCpr());
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
        if (!AUTH.contains(auth)) {
            throw ProblemException.invalid("auth", "must be one of " + AUTH);
        }
        if (url != null) {
            policy.check(url).ifPresent(why -> {
                throw ProblemException.invalid("pushUrl", why);
            });
            var files = config.tenants().get(slug);
            switch (auth) {
                case "none" -> {
                    if (!policy.allowInsecure()) {
                        throw ProblemException.invalid("auth",
                                "a case system is pushed to with client-credentials or mutual-tls");
                    }
                }
                case "client-credentials" -> {
                    if (tokenUrl == null || clientId == null) {
                        throw ProblemException.invalid("tokenUrl", "client-credentials needs tokenUrl and clientId");
                    }
                    policy.check(tokenUrl).ifPresent(why -> {
                        throw ProblemException.invalid("tokenUrl", why);
                    });
                    if (files == null || files.clientSecretFile().isEmpty()) {
                        throw ProblemException.invalid("auth",
                                "no client secret is mounted for this tenant (operator: samtale.journal.push.tenants."
                                        + slug + ".client-secret-file)");
                    }
                }
                default -> {
                    if (files == null || files.clientCertificateFile().isEmpty() || files.clientKeyFile().isEmpty()) {
                        throw ProblemException.invalid("auth",
                                "no client certificate is mounted for this tenant (operator: samtale.journal.push.tenants."
                                        + slug + ".client-certificate-file and client-key-file)");
                    }
                }
            }
        }
        if (!"client-credentials".equals(auth)) {
            tokenUrl = null;
            clientId = null;
            scope = null;
        }
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement(
                        """
                                INSERT INTO journal_settings (tenant_id, recipient_certificate, push_url, push_auth, token_url,
                                    client_id, scope, document_includes_cpr, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())
                                ON CONFLICT (tenant_id) DO UPDATE SET recipient_certificate = EXCLUDED.recipient_certificate,
                                    push_url = EXCLUDED.push_url, push_auth = EXCLUDED.push_auth, token_url = EXCLUDED.token_url,
                                    client_id = EXCLUDED.client_id, scope = EXCLUDED.scope,
                                    document_includes_cpr = EXCLUDED.document_includes_cpr, updated_at = now()""")) {
            st.setObject(1, tenantId);
            st.setString(2, cert);
            st.setString(3, url);
            st.setString(4, auth);
            st.setString(5, tokenUrl);
            st.setString(6, clientId);
            st.setString(7, scope);
            st.setBoolean(8, includeCpr);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Settings(cert, url, auth, tokenUrl, clientId, scope, includeCpr);
    }

    private String slug(UUID tenantId) {
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT slug FROM tenant WHERE id = ?")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("tenant");
                }
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
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
