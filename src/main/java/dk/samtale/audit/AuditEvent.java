package dk.samtale.audit;

import java.util.Map;
import java.util.UUID;

/**
 * One audited action.
 *
 * @param tenantId the tenant the action concerns (for operator actions: the tenant changed)
 * @param detail further ids (e.g. {@code fromUnitId}, {@code staffId}); never text or personal data
 */
public record AuditEvent(UUID tenantId, AuditActor actor, AuditAction action, String targetType, UUID targetId,
        Map<String, String> detail) {

    public AuditEvent {
        detail = detail == null ? Map.of() : Map.copyOf(detail);
    }

    public static AuditEvent of(UUID tenantId, AuditActor actor, AuditAction action, String targetType,
            UUID targetId) {
        return new AuditEvent(tenantId, actor, action, targetType, targetId, Map.of());
    }
}
