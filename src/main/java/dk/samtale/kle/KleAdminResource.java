package dk.samtale.kle;

import java.io.InputStream;
import java.time.Duration;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import io.quarkus.security.identity.SecurityIdentity;

import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.Items;

/**
 * The tenant's KLE catalogue, for its admins: upload KL's {@code KLE-Emneplan} or
 * {@code KLE-Handlingsfacetter} XML as published (each replaces its part), and see what is uploaded.
 * Blocking (JDBC, XML parsing): worker threads.
 */
@Path("/api/v1/admin/kle")
@RolesAllowed("admin")
public class KleAdminResource {

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final KleCatalogue catalogue;

    KleAdminResource(SecurityIdentity identity, CallerResolver callers, KleCatalogue catalogue) {
        this.identity = identity;
        this.callers = callers;
        this.catalogue = catalogue;
    }

    @PUT
    @Consumes({"application/xml", "text/xml"})
    public KleCatalogue.Part upload(InputStream xml) {
        return catalogue.upload(tenant(), xml);
    }

    @GET
    public Items<KleCatalogue.Part> parts() {
        return new Items<>(catalogue.parts(tenant()).await().atMost(Duration.ofSeconds(30)));
    }

    private UUID tenant() {
        return callers.resolve(identity).await().atMost(Duration.ofSeconds(30)).tenantId();
    }

}
