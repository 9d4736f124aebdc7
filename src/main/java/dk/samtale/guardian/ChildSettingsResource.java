package dk.samtale.guardian;

import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.audit.AuditAction;
import dk.samtale.audit.AuditActor;
import dk.samtale.audit.AuditEvent;
import dk.samtale.audit.AuditTrail;
import dk.samtale.conversation.ChildRules;
import dk.samtale.identity.VerifiedToken;
import dk.samtale.platform.ProblemException;

/**
 * A unit's rules for children (the operator API, like the unit itself): the youngest age at which a child
 * may use the unit's conversations on their own, and whether children may write. Platform operators only
 * ({@code platform-admin}); every change is audited under the tenant. 404 for a unit of another tenant.
 */
@Path("/api/v1/operator/tenants/{tenantId}/units/{unitId}/children")
@RolesAllowed("platform-admin")
public class ChildSettingsResource {

    /** The settings as the API carries them. */
    public record ChildSettings(Integer minimumAge, Boolean childrenMayWrite) {
    }

    private final ChildRules rules;
    private final AuditTrail audit;
    private final SecurityIdentity identity;

    ChildSettingsResource(ChildRules rules, AuditTrail audit, SecurityIdentity identity) {
        this.rules = rules;
        this.audit = audit;
        this.identity = identity;
    }

    @GET
    public Uni<ChildSettings> get(@PathParam("tenantId") UUID tenantId, @PathParam("unitId") UUID unitId) {
        return rules.get(tenantId, unitId).map(s -> {
            if (s == null) {
                throw ProblemException.notFound("unit");
            }
            return new ChildSettings(s.minimumAge(), s.childrenMayWrite());
        });
    }

    @PUT
    public Uni<ChildSettings> put(@PathParam("tenantId") UUID tenantId, @PathParam("unitId") UUID unitId,
            ChildSettings body) {
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        if (body.minimumAge() == null || body.minimumAge() < 0 || body.minimumAge() > 18) {
            throw ProblemException.invalid("minimumAge", "must be a whole number from 0 to 18");
        }
        if (body.childrenMayWrite() == null) {
            throw ProblemException.invalid("childrenMayWrite", "is required");
        }
        ChildRules.Settings s = new ChildRules.Settings(body.minimumAge(), body.childrenMayWrite());
        return rules.set(tenantId, unitId, s).flatMap(found -> {
            if (!found) {
                throw ProblemException.notFound("unit");
            }
            VerifiedToken token = identity.getAttribute(VerifiedToken.ATTRIBUTE);
            String who = token.client() != null ? token.client() : token.subject();
            return audit.record(new AuditEvent(tenantId, AuditActor.operator(who),
                    AuditAction.UNIT_CHILD_SETTINGS_CHANGED, "unit", unitId,
                    Map.of("minimumAge", String.valueOf(s.minimumAge()),
                            "childrenMayWrite", String.valueOf(s.childrenMayWrite()))));
        }).replaceWith(new ChildSettings(s.minimumAge(), s.childrenMayWrite()));
    }
}
