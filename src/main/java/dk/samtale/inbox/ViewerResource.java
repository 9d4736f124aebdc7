package dk.samtale.inbox;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.Items;

/**
 * "Who else has this conversation open": staff of the conversation's unit only (citizens 403, staff of
 * other units or tenants 404). The inbox calls PUT every 15 s while the conversation is on screen.
 */
@Path("/api/v1/conversations/{id}/viewers/me")
@RolesAllowed("staff")
public class ViewerResource {

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final Viewers viewers;

    ViewerResource(SecurityIdentity identity, CallerResolver callers, Viewers viewers) {
        this.identity = identity;
        this.callers = callers;
        this.viewers = viewers;
    }

    /** Records the caller as viewing; answers with everyone viewing it (the caller first). */
    @PUT
    public Uni<Items<Viewers.Viewer>> beat(@PathParam("id") UUID id) {
        return callers.resolve(identity).flatMap(c -> viewers.beat(c, id)).map(Items::new);
    }

    /** The caller left the conversation. */
    @DELETE
    public Uni<RestResponse<Void>> leave(@PathParam("id") UUID id) {
        return callers.resolve(identity).flatMap(c -> viewers.leave(c, id)).map(x -> RestResponse.noContent());
    }
}
