package dk.samtale.inbox;

import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.audit.AuditAction;
import dk.samtale.audit.AuditActor;
import dk.samtale.audit.AuditEvent;
import dk.samtale.audit.AuditTrail;
import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.Items;

/** Internal notes. Staff of the conversation's unit only; citizens get 403, other staff 404. */
@Path("/api/v1/conversations/{id}/notes")
@RolesAllowed("staff")
public class NoteResource {

    public record NoteInput(String body) {
        @Override
        public String toString() {
            return "NoteInput[***]";
        }
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final Notes notes;
    private final AuditTrail audit;

    NoteResource(SecurityIdentity identity, CallerResolver callers, Notes notes, AuditTrail audit) {
        this.identity = identity;
        this.callers = callers;
        this.notes = notes;
        this.audit = audit;
    }

    @GET
    public Uni<Items<Notes.Note>> list(@PathParam("id") UUID id) {
        return callers.resolve(identity).flatMap(c -> notes.list(c, id)).map(Items::new);
    }

    @POST
    public Uni<RestResponse<Notes.Note>> add(@PathParam("id") UUID id, NoteInput body) {
        NoteInput b = TemplateResource.require(body);
        return callers.resolve(identity).flatMap(c -> notes.add(c, id, b.body())
                .call(n -> audit.record(new AuditEvent(c.tenantId(), AuditActor.of(c), AuditAction.NOTE_ADDED, "note",
                        n.id(), Map.of("conversationId", id.toString())))))
                .map(n -> RestResponse.status(Response.Status.CREATED, n));
    }
}
