package dk.samtale.audit;

import java.util.UUID;

import dk.samtale.identity.Caller;

/**
 * Who acted: a staff member (by id), a tenant's service client or a platform operator (by the client or
 * subject of their token). Never a citizen: citizens' actions are their messages, which the journal holds.
 */
public record AuditActor(Kind kind, UUID id, String client) {

    public enum Kind {
        staff, service, operator
    }

    /** The actor for a resolved caller: staff by id, a service client by its token's subject. */
    public static AuditActor of(Caller caller) {
        return caller.isStaff() ? staff(caller.id()) : service(caller.name());
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
