package dk.samtale.conversation;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.ProblemException;

/**
 * Retracting and correcting a sent message over REST (the WebSocket has the same as frames). Which message
 * a caller may touch is decided in {@link MessageRevisions}: unknown or invisible ids answer 404, another's
 * message 403 {@code not-your-message}.
 */
@Path("/api/v1/conversations/{id}/messages/{messageId}")
public class RevisionResource {

    public record Correct(String body, String reason) {
        @Override
        public String toString() {
            return "Correct[]"; // never the text
        }
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final MessageRevisions revisions;

    RevisionResource(SecurityIdentity identity, CallerResolver callers, MessageRevisions revisions) {
        this.identity = identity;
        this.callers = callers;
        this.revisions = revisions;
    }

    /** The sender (citizen or staff): retract, while unread and within the window. Repeating it answers the same. */
    @POST
    @Path("/retract")
    @RolesAllowed({"citizen", "staff"})
    public Uni<MessageRevisions.Retraction> retract(@PathParam("id") UUID id, @PathParam("messageId") UUID messageId) {
        return callers.resolve(identity).flatMap(c -> revisions.retract(c, id, messageId));
    }

    /**
     * Staff, their own message: set its corrected text, with the reason (berigtigelse). Repeating the newest
     * correction answers the same and makes no new one.
     */
    @PUT
    @Path("/correction")
    @RolesAllowed("staff")
    public Uni<Message> correct(@PathParam("id") UUID id, @PathParam("messageId") UUID messageId, Correct body) {
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        return callers.resolve(identity).flatMap(c -> revisions.correct(c, id, messageId, body.body(), body.reason()));
    }
}
