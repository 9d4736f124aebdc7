package dk.samtale.identity;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.platform.Items;

/** Who am I, and who is there to talk to: units, staff, citizens by CPR. */
@Path("/api/v1")
public class DirectoryResource {

    public record Tenant(UUID id, String name) {
    }

    public record Me(CallerKind kind, UUID id, String name, Tenant tenant, List<Directory.Entry> units,
            Set<String> roles) {
    }

    public record CprLookup(String cpr) {
        @Override
        public String toString() {
            return "CprLookup[***]";
        }
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final Directory directory;
    private final jakarta.enterprise.event.Event<CitizenLookedUp> lookedUp;

    DirectoryResource(SecurityIdentity identity, CallerResolver callers, Directory directory,
            jakarta.enterprise.event.Event<CitizenLookedUp> lookedUp) {
        this.identity = identity;
        this.callers = callers;
        this.directory = directory;
        this.lookedUp = lookedUp;
    }

    /** Any authenticated caller. */
    @GET
    @Path("/me")
    @Authenticated
    public Uni<Me> me() {
        return callers.resolve(identity)
                .flatMap(c -> directory.myUnits(c).map(units -> new Me(c.kind(), c.id(), c.name(),
                        new Tenant(c.tenantId(), c.tenantName()), units, c.roles())));
    }

    /** Citizens and staff: the units of their tenant. */
    @GET
    @Path("/units")
    @RolesAllowed({"citizen", "staff"})
    public Uni<Items<Directory.Entry>> units() {
        return callers.resolve(identity).flatMap(directory::units).map(Items::new);
    }

    /** Staff: colleagues known to the service, for "assign to". */
    @GET
    @Path("/staff")
    @RolesAllowed("staff")
    public Uni<Items<Directory.Entry>> staff() {
        return callers.resolve(identity).flatMap(directory::staff).map(Items::new);
    }

    /**
     * Staff: find (or register) a citizen by CPR. POST, so the CPR never appears in a URL or access log.
     * Audited (ids only).
     */
    /**
     * A lookup finds (or registers) a citizen to start a conversation with in one of the caller's units:
     * staff in no unit cannot do that, so they may not look anyone up by CPR.
     */
    private static void inAUnit(Caller c) {
        if (c.unitIds().isEmpty()) {
            throw new dk.samtale.platform.ProblemException(dk.samtale.platform.ErrorCode.FORBIDDEN,
                    "Only staff of a unit may look up citizens by CPR");
        }
    }

    @POST
    @Path("/citizens/lookup")
    @RolesAllowed("staff")
    public Uni<Directory.Entry> lookup(CprLookup body) {
        String cpr = body == null ? null : body.cpr();
        return callers.resolve(identity).invoke(DirectoryResource::inAUnit).flatMap(c -> directory.citizenByCpr(c, cpr)
                .invoke(found -> lookedUp.fire(new CitizenLookedUp(c.tenantId(), c.id(), found.id()))));
    }
}
