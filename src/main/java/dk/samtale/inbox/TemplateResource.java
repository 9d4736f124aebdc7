package dk.samtale.inbox;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.Items;
import dk.samtale.platform.ProblemException;

/** Canned replies per unit. Staff of the unit: read, create, change and delete. */
@Path("/api/v1/units/{unitId}/templates")
@RolesAllowed("staff")
public class TemplateResource {

    public record TemplateInput(String title, String body) {
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final Templates templates;
    private final AuditTrail audit;

    TemplateResource(SecurityIdentity identity, CallerResolver callers, Templates templates, AuditTrail audit) {
        this.identity = identity;
        this.callers = callers;
        this.templates = templates;
        this.audit = audit;
    }

    private Uni<Void> audited(Caller c, AuditAction action, UUID unitId, UUID templateId) {
        return audit.record(new AuditEvent(c.tenantId(), AuditActor.of(c), action, "template", templateId,
                Map.of("unitId", unitId.toString())));
    }

    @GET
    public Uni<Items<Templates.Template>> list(@PathParam("unitId") UUID unitId) {
        return callers.resolve(identity).flatMap(c -> templates.list(c, unitId)).map(Items::new);
    }

    @POST
    public Uni<RestResponse<Templates.Template>> create(@PathParam("unitId") UUID unitId, TemplateInput body) {
        TemplateInput b = require(body);
        return callers.resolve(identity).flatMap(c -> templates.create(c, unitId, b.title(), b.body())
                .call(t -> audited(c, AuditAction.TEMPLATE_CREATED, unitId, t.id())))
                .map(t -> RestResponse.ResponseBuilder.<Templates.Template>created(
                        URI.create("/api/v1/units/" + unitId + "/templates/" + t.id())).entity(t).build());
    }

    @PUT
    @Path("/{id}")
    public Uni<Templates.Template> update(@PathParam("unitId") UUID unitId, @PathParam("id") UUID id,
            TemplateInput body) {
        TemplateInput b = require(body);
        return callers.resolve(identity).flatMap(c -> templates.update(c, unitId, id, b.title(), b.body())
                .call(t -> audited(c, AuditAction.TEMPLATE_UPDATED, unitId, id)));
    }

    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("unitId") UUID unitId, @PathParam("id") UUID id) {
        return callers.resolve(identity).flatMap(c -> templates.delete(c, unitId, id)
                .call(x -> audited(c, AuditAction.TEMPLATE_DELETED, unitId, id)))
                .map(x -> RestResponse.noContent());
    }

    static <T> T require(T body) {
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        return body;
    }
}
