package dk.samtale.audit;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.QueryParams;

/**
 * The staff audit trail for a tenant's admins (service clients with the {@code admin} role), always of
 * their own tenant: newest first, filtered by action, actor, target and time, paged with {@code before}.
 */
@Path("/api/v1/admin/audit")
@RolesAllowed("admin")
public class AuditResource {

    static final int MAX_PAGE = 200;

    public record Page(List<AuditLog.Entry> items, UUID next) {
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final AuditLog log;

    AuditResource(SecurityIdentity identity, CallerResolver callers, AuditLog log) {
        this.identity = identity;
        this.callers = callers;
        this.log = log;
    }

    @GET
    public Uni<Page> list(@QueryParam("action") String action, @QueryParam("actorId") String actorId,
            @QueryParam("targetId") String targetId, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("before") String before, @QueryParam("limit") @DefaultValue("50") String limitText) {
        int limit = (int) QueryParams.number("limit", limitText, 1);
        if (limit > MAX_PAGE) {
            throw ProblemException.invalid("limit", "must be 1 to " + MAX_PAGE);
        }
        if (action != null && AuditAction.of(action) == null) {
            throw ProblemException.invalid("action", "unknown action");
        }
        AuditLog.Filter filter = new AuditLog.Filter(action, QueryParams.uuid("actorId", actorId),
                QueryParams.uuid("targetId", targetId),
                QueryParams.instant("from", from), QueryParams.instant("to", to), QueryParams.uuid("before", before),
                limit);
        return callers.resolve(identity).flatMap(c -> log.page(c.tenantId(), filter))
                .map(p -> new Page(p.items(), p.next()));
    }
}
