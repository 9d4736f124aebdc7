package dk.samtale.sms;

import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.audit.AuditAction;
import dk.samtale.audit.AuditActor;
import dk.samtale.audit.AuditEvent;
import dk.samtale.audit.AuditTrail;
import dk.samtale.conversation.ConversationService;
import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.ProblemException;

/**
 * Citizens' verified phone numbers. The number decides where SMS notices go, so only staff of a unit
 * that has a conversation with the citizen may read, set or remove it; everyone else gets 404 (as for
 * anything they may not know exists), and every change names its author in the audit trail (ids
 * only). The number is never echoed.
 */
@Path("/api/v1/sms/citizens/{citizenId}/phone")
@RolesAllowed("staff")
public class SmsResource {

    public record SetPhone(String phone) {
        @Override
        public String toString() {
            return "SetPhone[redacted]";
        }
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final Phones phones;
    private final ConversationService conversations;
    private final AuditTrail audit;

    SmsResource(SecurityIdentity identity, CallerResolver callers, Phones phones, ConversationService conversations,
            AuditTrail audit) {
        this.identity = identity;
        this.callers = callers;
        this.phones = phones;
        this.conversations = conversations;
        this.audit = audit;
    }

    /** Staff: the number's status (verified, opted out), not the number. */
    @GET
    public Uni<Phones.PhoneStatus> get(@PathParam("citizenId") UUID citizenId) {
        return entitled(citizenId).flatMap(c -> phones.status(c, citizenId));
    }

    /** Staff, after checking the number is the citizen's: sets it as verified. */
    @PUT
    public Uni<Phones.PhoneStatus> set(@PathParam("citizenId") UUID citizenId, SetPhone body) {
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        PhoneNumber phone = PhoneNumber.parse(body.phone());
        return entitled(citizenId).flatMap(c -> phones.register(c, citizenId, phone)
                .call(x -> audited(c, AuditAction.CITIZEN_PHONE_SET, citizenId)));
    }

    /** Staff: removes the number; no more SMS to the citizen. */
    @DELETE
    public Uni<RestResponse<Void>> remove(@PathParam("citizenId") UUID citizenId) {
        return entitled(citizenId).flatMap(c -> phones.remove(c, citizenId)
                .call(x -> audited(c, AuditAction.CITIZEN_PHONE_REMOVED, citizenId)))
                .map(x -> RestResponse.noContent());
    }

    /** The caller, if one of their units talks with the citizen; otherwise not found. */
    private Uni<Caller> entitled(UUID citizenId) {
        return callers.resolve(identity).call(c -> conversations.talksWith(c, citizenId).invoke(yes -> {
            if (!yes) {
                throw ProblemException.notFound("citizen");
            }
        }));
    }

    private Uni<Void> audited(Caller c, AuditAction action, UUID citizenId) {
        return audit.record(new AuditEvent(c.tenantId(), AuditActor.of(c), action, "citizen", citizenId, Map.of()));
    }
}
