package dk.samtale.push;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.ProblemException;

/**
 * A tenant's push settings, for its operators ({@code admin} service clients, own tenant only): whether
 * pushes may name the unit, and whether push is enabled on this service at all.
 */
@Path("/api/v1/admin/push")
@RolesAllowed("admin")
public class PushAdminResource {

    /** {@code enabled} and {@code status} are read-only: they come from the service's configuration. */
    public record PushSettings(Boolean showUnitName, Boolean enabled, String status) {
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final Pool pool;
    private final PushNotifier notifier;

    PushAdminResource(SecurityIdentity identity, CallerResolver callers, Pool pool, PushNotifier notifier) {
        this.identity = identity;
        this.callers = callers;
        this.pool = pool;
        this.notifier = notifier;
    }

    @GET
    public Uni<PushSettings> get() {
        return callers.resolve(identity)
                .flatMap(c -> pool.preparedQuery("SELECT push_shows_unit_name FROM tenant WHERE id = $1")
                        .execute(Tuple.of(c.tenantId())))
                .map(rows -> settings(rows.iterator().next().getBoolean(0)));
    }

    @PUT
    public Uni<PushSettings> put(PushSettings body) {
        if (body == null || body.showUnitName() == null) {
            throw ProblemException.invalid("showUnitName", "is required: true or false");
        }
        return callers.resolve(identity)
                .flatMap(c -> pool.preparedQuery(
                        "UPDATE tenant SET push_shows_unit_name = $2 WHERE id = $1 RETURNING push_shows_unit_name")
                        .execute(Tuple.of(c.tenantId(), body.showUnitName())))
                .map(rows -> settings(rows.iterator().next().getBoolean(0)));
    }

    private PushSettings settings(boolean showUnitName) {
        return new PushSettings(showUnitName, notifier.enabled(), notifier.status());
    }
}
