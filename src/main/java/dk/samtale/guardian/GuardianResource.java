package dk.samtale.guardian;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.Items;
import dk.samtale.platform.ProblemException;

/**
 * A child's guardians, for caseworkers (see {@link GuardianRegistry} for who may do what). Staff only;
 * citizens and service clients get 403.
 */
@Path("/api/v1/citizens/{childId}/guardians")
@RolesAllowed("staff")
public class GuardianResource {

    /** A guardian to register: found by CPR (registered as a citizen if new), for one of the caller's units. */
    public record NewGuardian(String cpr, UUID unitId, String basis) {
        @Override
        public String toString() {
            return "NewGuardian[***]";
        }
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final GuardianRegistry registry;

    GuardianResource(SecurityIdentity identity, CallerResolver callers, GuardianRegistry registry) {
        this.identity = identity;
        this.callers = callers;
        this.registry = registry;
    }

    @GET
    public Uni<Items<Guardianship>> list(@PathParam("childId") UUID childId) {
        return callers.resolve(identity).flatMap(c -> registry.list(c, childId)).map(Items::new);
    }

    @POST
    public Uni<RestResponse<Guardianship>> register(@PathParam("childId") UUID childId, NewGuardian body) {
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        return callers.resolve(identity).flatMap(c -> registry.register(c, childId, body.cpr(), body.unitId(),
                body.basis()))
                .map(g -> RestResponse.ResponseBuilder.<Guardianship>created(
                        URI.create("/api/v1/citizens/" + childId + "/guardians/" + g.id())).entity(g).build());
    }

    /** Ends the guardianship now; repeating it answers the ended guardianship unchanged. */
    @POST
    @Path("/{guardianshipId}/end")
    public Uni<Guardianship> end(@PathParam("childId") UUID childId,
            @PathParam("guardianshipId") UUID guardianshipId) {
        return callers.resolve(identity).flatMap(c -> registry.end(c, childId, guardianshipId));
    }
}
