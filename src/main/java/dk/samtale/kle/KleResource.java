package dk.samtale.kle;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.Items;

/**
 * KLE numbers and titles of the caller's municipality for the inbox's case reference field (staff).
 * Empty when the municipality has uploaded no catalogue.
 */
@Path("/api/v1/kle")
@RolesAllowed("staff")
public class KleResource {

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final KleCatalogue catalogue;

    KleResource(SecurityIdentity identity, CallerResolver callers, KleCatalogue catalogue) {
        this.identity = identity;
        this.callers = callers;
        this.catalogue = catalogue;
    }

    /** Subjects and groups whose number starts with {@code prefix} (e.g. {@code 15.17}), at most 50. */
    @GET
    @Path("/subjects")
    public Uni<Items<KleCatalogue.Entry>> subjects(@QueryParam("prefix") String prefix) {
        return titles(prefix, false);
    }

    /** Action facets whose number starts with {@code prefix} (e.g. {@code G}), at most 50. */
    @GET
    @Path("/facets")
    public Uni<Items<KleCatalogue.Entry>> facets(@QueryParam("prefix") String prefix) {
        return titles(prefix, true);
    }

    private Uni<Items<KleCatalogue.Entry>> titles(String prefix, boolean facets) {
        return callers.resolve(identity).flatMap(c -> catalogue.titles(c.tenantId(), prefix, facets, 50))
                .map(list -> new Items<>(List.copyOf(list)));
    }
}
