package dk.samtale.audit;

import java.util.UUID;

/**
 * Who acted: a staff member (by id), a tenant's service client or a platform operator (by the client or
 * subject of their token). Never a citizen: citizens' actions are their messages, which the journal holds.
 */
public record AuditActor(Kind kind, UUID id, String client) {

    public enum Kind {
        staff, service, operator
    }

    public static AuditActor staff(UUID staffId) {
        return new AuditActor(Kind.staff, staffId, null);
    }

    public static AuditActor service(String client) {
        return new AuditActor(Kind.service, null, client);
    }

    public static AuditActor operator(String client) {
        return new AuditActor(Kind.operator, null, client);
    }
}
