package dk.samtale.journal;

import java.time.Duration;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;

import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.Items;
import dk.samtale.platform.ProblemException;

/**
 * Journal settings and push dead letters of the caller's tenant (service clients with the {@code admin}
 * role; the tenant comes from the token's issuer). Blocking methods: they run on worker threads.
 */
@Path("/api/v1/admin/journal")
@RolesAllowed("admin")
public class JournalAdminResource {

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final JournalAdmin admin;

    JournalAdminResource(SecurityIdentity identity, CallerResolver callers, JournalAdmin admin) {
        this.identity = identity;
        this.callers = callers;
        this.admin = admin;
    }

    @GET
    @Path("/settings")
    public JournalAdmin.Settings settings() {
        return admin.settings(tenant());
    }

    @PUT
    @Path("/settings")
    public JournalAdmin.Settings update(JournalAdmin.Settings body) {
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        return admin.update(tenant(), body);
    }

    @GET
    @Path("/dead-letters")
    public Items<JournalAdmin.DeadLetter> deadLetters() {
        return new Items<>(admin.deadLetters(tenant(), 500));
    }

    /** 202: the entry is queued for delivery again. */
    @POST
    @Path("/dead-letters/{entryId}/replay")
    public RestResponse<Void> replay(@PathParam("entryId") UUID entryId) {
        admin.replay(tenant(), entryId);
        return RestResponse.accepted();
    }

    private UUID tenant() {
        return callers.resolve(identity).await().atMost(Duration.ofSeconds(30)).tenantId();
    }
}
