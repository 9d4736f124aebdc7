package dk.samtale.attachment;

import java.time.Duration;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;

import dk.samtale.identity.CallerResolver;

/**
 * The case system fetches the cleaned file a journal entry lists (service clients with the
 * {@code journal-reader} role, always their own tenant): the same bytes whose SHA-256 the entry carries,
 * so the case file holds the document, not a link. Files no message carries, and other tenants' files,
 * are not found.
 */
@Path("/api/v1/journal/attachments")
@RolesAllowed("journal-reader")
public class CaseFileResource {

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final AttachmentService attachments;

    CaseFileResource(SecurityIdentity identity, CallerResolver callers, AttachmentService attachments) {
        this.identity = identity;
        this.callers = callers;
        this.attachments = attachments;
    }

    @GET
    @Path("/{id}")
    @Blocking
    public Response file(@PathParam("id") UUID id) {
        UUID tenant = callers.resolve(identity).await().atMost(Duration.ofSeconds(30)).tenantId();
        return AttachmentResource.stream(attachments.forJournal(tenant, id));
    }
}
