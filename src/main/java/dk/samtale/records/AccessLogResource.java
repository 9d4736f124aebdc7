package dk.samtale.records;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.AccessLog;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.QueryParams;

/**
 * The access log for a tenant's admins (service clients with {@code admin}) and its data protection officer
 * (staff with {@code dpo}), always of their own tenant: who accessed a citizen's data, by citizen, staff
 * member, service client, conversation, kind and period; the chain's verification; the tenant's settings.
 * Looking up one citizen's accesses is itself recorded.
 */
@Path("/api/v1/admin/access-log")
@RolesAllowed({"admin", "dpo"})
public class AccessLogResource {

    static final int MAX_PAGE = 200;

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final AccessLogQueries queries;
    private final AccessLogStore store;
    private final AccessLogSettings settings;
    private final AccessLog log;

    AccessLogResource(SecurityIdentity identity, CallerResolver callers, AccessLogQueries queries,
            AccessLogStore store, AccessLogSettings settings, AccessLog log) {
        this.identity = identity;
        this.callers = callers;
        this.queries = queries;
        this.store = store;
        this.settings = settings;
        this.log = log;
    }

    @GET
    public Uni<AccessLogQueries.Page> list(@QueryParam("citizenId") String citizenId,
            @QueryParam("staffId") String staffId, @QueryParam("client") String client,
            @QueryParam("conversationId") String conversationId, @QueryParam("kind") String kind,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("before") String before,
            @QueryParam("limit") @DefaultValue("50") String limitText) {
        int limit = (int) QueryParams.number("limit", limitText, 1);
        if (limit > MAX_PAGE) {
            throw ProblemException.invalid("limit", "must be 1 to " + MAX_PAGE);
        }
        if (kind != null && AccessLog.Kind.of(kind) == null) {
            throw ProblemException.invalid("kind", "unknown kind of access");
        }
        AccessLogQueries.Filter filter = new AccessLogQueries.Filter(QueryParams.uuid("citizenId", citizenId),
                QueryParams.uuid("staffId", staffId), client, QueryParams.uuid("conversationId", conversationId), kind,
                QueryParams.instant("from", from),
                QueryParams.instant("to", to), before == null ? null : QueryParams.number("before", before, 1), limit);
        return callers.resolve(identity).flatMap(c -> queries.page(c.tenantId(), filter).invoke(page -> {
            if (filter.citizenId() != null) {
                log.record(new AccessLog.Access(c.tenantId(), accessor(c), filter.citizenId(), null, null,
                        AccessLog.Kind.ACCESS_LOG_QUERIED));
            }
        }));
    }

    /** Walks the tenant's chain from its anchor to its head (blocking: a worker thread). */
    @GET
    @Path("/verification")
    public AccessLogStore.Verification verify() throws java.sql.SQLException {
        Caller c = callers.resolve(identity).await().atMost(java.time.Duration.ofSeconds(30));
        return store.verify(c.tenantId());
    }

    @GET
    @Path("/settings")
    public Uni<AccessLogSettings.View> settings() {
        return callers.resolve(identity).flatMap(c -> settings.view(c.tenantId()));
    }

    /** Only the tenant's admin changes them (the DPO reads them). */
    @PUT
    @Path("/settings")
    @RolesAllowed("admin")
    public Uni<AccessLogSettings.View> change(AccessLogSettings.Change body) {
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        AccessLogSettings.Change change = body.validated();
        return callers.resolve(identity).flatMap(c -> settings.change(c, change));
    }

    static AccessLog.Accessor accessor(Caller c) {
        return switch (c.kind()) {
            case staff -> AccessLog.Accessor.staff(c.id());
            case citizen -> AccessLog.Accessor.citizen(c.id());
            case service -> AccessLog.Accessor.service(c.name());
        };
    }
}
