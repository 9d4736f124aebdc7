package dk.samtale.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;

import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerResolver;

/**
 * Attachments of a conversation over REST, for its participants (citizen, staff of its unit); whatever
 * a caller may not see answers 404. Upload first, then name the attachment ids in a message.
 *
 * <p>
 * Blocking methods: the upload's {@link InputStream} is the request body as it arrives (Quarkus REST
 * does not buffer the body of a blocking method that takes an InputStream), read on a worker thread
 * with its size enforced while reading; downloads stream chunk by chunk.
 */
@Path("/api/v1/conversations/{conversationId}/attachments")
@RolesAllowed({"citizen", "staff"})
public class AttachmentResource {

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final AttachmentService attachments;

    AttachmentResource(SecurityIdentity identity, CallerResolver callers, AttachmentService attachments) {
        this.identity = identity;
        this.callers = callers;
        this.attachments = attachments;
    }

    /**
     * One file as the raw request body: {@code Content-Type} its type, {@code Content-Disposition:
     * attachment; filename*=UTF-8''<name>} its name. 201 when accepted, 202 when it waits quarantined.
     */
    @POST
    @Blocking
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(@PathParam("conversationId") UUID conversationId,
            @HeaderParam("Content-Disposition") String disposition, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long length, InputStream body) throws IOException {
        Attachment a = attachments.upload(caller(), conversationId, disposition, type, length, body);
        return Response.status(a.state() == Attachment.State.accepted ? 201 : 202)
                .location(URI.create("/api/v1/conversations/" + conversationId + "/attachments/" + a.id()))
                .type(MediaType.APPLICATION_JSON).entity(a).build();
    }

    /** The cleaned file, streamed, under its detected type, always as a download. */
    @GET
    @Path("/{id}")
    @Blocking
    public Response download(@PathParam("conversationId") UUID conversationId, @PathParam("id") UUID id) {
        return stream(attachments.download(caller(), conversationId, id, FileStore.Variant.clean));
    }

    /** A JPEG preview of an image (made on the server). */
    @GET
    @Path("/{id}/thumbnail")
    @Blocking
    public Response thumbnail(@PathParam("conversationId") UUID conversationId, @PathParam("id") UUID id) {
        return stream(attachments.download(caller(), conversationId, id, FileStore.Variant.thumbnail));
    }

    /** What became of an upload (a quarantined one turns accepted once it has been scanned). */
    @GET
    @Path("/{id}/status")
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public Attachment status(@PathParam("conversationId") UUID conversationId, @PathParam("id") UUID id) {
        return attachments.status(caller(), conversationId, id);
    }

    static Response stream(AttachmentService.Download d) {
        Response.ResponseBuilder r = Response.ok((jakarta.ws.rs.core.StreamingOutput) out -> {
            try (InputStream in = d.content()) {
                in.transferTo(out);
            }
        }).type(d.mediaType())
                .header("Content-Disposition", FileNames.attachmentHeader(d.fileName()))
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "private, no-store")
                // nothing in a served file may run in our origin, even if a browser is talked into showing it
                .header("Content-Security-Policy", "sandbox; default-src 'none'");
        if (d.size() >= 0) {
            r.header(HttpHeaders.CONTENT_LENGTH, d.size());
        }
        return r.build();
    }

    private Caller caller() {
        return callers.resolve(identity).await().atMost(Duration.ofSeconds(30));
    }
}
