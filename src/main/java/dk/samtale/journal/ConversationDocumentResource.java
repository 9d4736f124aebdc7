package dk.samtale.journal;

import java.time.Duration;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;

import dk.samtale.identity.CallerResolver;

/**
 * The conversation as a PDF/A document, on demand, for staff of the conversation's unit (anyone else:
 * 404). Blocking (JDBC, decryption, rendering): runs on a worker thread.
 */
@Path("/api/v1/conversations/{id}/document")
@RolesAllowed("staff")
public class ConversationDocumentResource {

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final ConversationDocuments documents;

    ConversationDocumentResource(SecurityIdentity identity, CallerResolver callers, ConversationDocuments documents) {
        this.identity = identity;
        this.callers = callers;
        this.documents = documents;
    }

    @GET
    @Produces(DocumentRenderer.MEDIA_TYPE)
    public RestResponse<byte[]> pdf(@PathParam("id") UUID id) {
        var caller = callers.resolve(identity).await().atMost(Duration.ofSeconds(30));
        return RestResponse.ResponseBuilder.ok(documents.pdfFor(caller, id), DocumentRenderer.MEDIA_TYPE)
                .header("Content-Disposition", "attachment; filename=\"samtale-" + id + ".pdf\"")
                .header("Cache-Control", "no-store").build();
    }
}
