package dk.samtale.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The tenants' retention policies (table retention_policy); a tenant without a row has the defaults. */
@ApplicationScoped
class Policies {

    private static final TypeReference<Map<String, Integer>> DAYS = new TypeReference<>() {
    };

    private final RetentionConfig config;
    private final ObjectMapper json;

    Policies(RetentionConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    Policy defaults() {
        return new Policy(config.conversationDays(), Map.of(), Map.of(), false, null, null, null);
    }

    Policy get(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                SELECT conversation_days, kle_days::text, record_days::text, enabled, updated_at, updated_by, dry_run_at
                FROM retention_policy WHERE tenant_id = ?""")) {
            st.setObject(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return defaults();
                }
                return new Policy(rs.getInt(1), read(rs.getString(2)), read(rs.getString(3)), rs.getBoolean(4),
                        instant(rs.getObject(5, OffsetDateTime.class)), rs.getString(6),
                        instant(rs.getObject(7, OffsetDateTime.class)));
            }
        }
    }

    /** Stores the policy as of {@code now}; a changed policy needs a new dry run before the job deletes. */
    void put(Connection c, UUID tenantId, Policy p, Instant now, String by) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO retention_policy (tenant_id, conversation_days, kle_days, record_days, enabled, updated_at,
                                              updated_by)
                VALUES (?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)
                ON CONFLICT (tenant_id) DO UPDATE SET conversation_days = EXCLUDED.conversation_days,
                    kle_days = EXCLUDED.kle_days, record_days = EXCLUDED.record_days, enabled = EXCLUDED.enabled,
                    updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by,
                    dry_run_at = NULL""")) {
            st.setObject(1, tenantId);
            st.setInt(2, p.conversationDays());
            st.setString(3, write(p.kleDays()));
            st.setString(4, write(p.recordDays()));
            st.setBoolean(5, p.enabled());
            st.setObject(6, now.atOffset(ZoneOffset.UTC));
            st.setString(7, by);
            st.executeUpdate();
        }
    }

    /** Records that the tenant's admin has seen a dry run of the policy as it is now. */
    void dryRunSeen(Connection c, UUID tenantId, Instant now) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO retention_policy (tenant_id, conversation_days, updated_at, updated_by, dry_run_at)
                VALUES (?, ?, ?, 'defaults', ?)
                ON CONFLICT (tenant_id) DO UPDATE SET dry_run_at = EXCLUDED.dry_run_at""")) {
            st.setObject(1, tenantId);
            st.setInt(2, config.conversationDays());
            st.setObject(3, now.atOffset(ZoneOffset.UTC));
            st.setObject(4, now.atOffset(ZoneOffset.UTC));
            st.executeUpdate();
        }
    }

    /** Tenants whose policy lets the job delete (enabled, and a dry run after the last change). */
    java.util.List<UUID> active(Connection c) throws SQLException {
        java.util.List<UUID> out = new java.util.ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT tenant_id FROM retention_policy WHERE enabled AND dry_run_at >= updated_at");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getObject(1, UUID.class));
            }
        }
        return out;
    }

    private Map<String, Integer> read(String text) {
        try {
            return text == null ? Map.of() : json.readValue(text, DAYS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable retention policy", e);
        }
    }

    private String write(Map<String, Integer> days) {
        try {
            return json.writeValueAsString(days);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
