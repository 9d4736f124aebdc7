package dk.samtale.push;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.Items;

/**
 * The caller's own push devices (citizens' apps, staff apps). The token travels only in the request
 * body — never in a path or query, which end up in access logs.
 */
@Path("/api/v1/devices")
@RolesAllowed({"citizen", "staff"})
public class DeviceResource {

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final Devices devices;

    DeviceResource(SecurityIdentity identity, CallerResolver callers, Devices devices) {
        this.identity = identity;
        this.callers = callers;
        this.devices = devices;
    }

    /** 201 for a new device (or a token moved from another owner), 200 when it was already the caller's. */
    @POST
    public Uni<RestResponse<Device>> register(Devices.Registration body) {
        return callers.resolve(identity).flatMap(c -> devices.register(c, body))
                .map(r -> r.created()
                        ? RestResponse.ResponseBuilder.<Device>created(URI.create("/api/v1/devices/" + r.device().id()))
                                .entity(r.device()).build()
                        : RestResponse.ok(r.device()));
    }

    @GET
    public Uni<Items<Device>> list() {
        return callers.resolve(identity).flatMap(devices::list).map(Items::new);
    }

    /** Logout: the app stops getting pushes. Another caller's device is not-found. */
    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> remove(@PathParam("id") UUID id) {
        return callers.resolve(identity).flatMap(c -> devices.remove(c, id))
                .map(x -> RestResponse.status(Response.Status.NO_CONTENT));
    }
}
