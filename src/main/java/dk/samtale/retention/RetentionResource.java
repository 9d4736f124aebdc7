package dk.samtale.retention;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.jboss.resteasy.reactive.RestResponse;

import io.agroal.api.AgroalDataSource;
import io.quarkus.security.identity.SecurityIdentity;

import dk.samtale.audit.AuditAction;
import dk.samtale.audit.AuditActor;
import dk.samtale.audit.AuditEvent;
import dk.samtale.audit.AuditTrail;
import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerResolver;
import dk.samtale.identity.Citizens;
import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.Items;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Uuid7;

/**
 * The retention policy, its dry run and run, legal holds and a citizen's erasure, for a tenant's admin:
 * service clients with the {@code admin} role, acting on their own tenant only (from the token's issuer).
 * Every change is audited (ids and counts, never text). Blocking methods: they run on worker threads.
 */
@Path("/api/v1/admin/retention")
@RolesAllowed("admin")
public class RetentionResource {

    /** What an admin sends; {@code null} maps keep nothing of the old policy's overrides. */
    public record PolicyRequest(Integer conversationDays, Map<String, Integer> kleDays, Map<String, Integer> recordDays,
            Boolean enabled) {
    }

    /** The policy as it applies, with whether the job deletes for the tenant now. */
    public record PolicyView(int conversationDays, Map<String, Integer> kleDays, Map<String, Integer> recordDays,
            boolean enabled, java.time.Instant updatedAt, String updatedBy, java.time.Instant dryRunAt,
            String state) {
    }

    /** A legal hold on a conversation, or on a citizen (by id, or by CPR as the municipality knows them). */
    public record HoldRequest(UUID conversationId, UUID citizenId, String cpr, String reason) {
    }

    public record LiftRequest(String reason) {
    }

    /** A citizen's erasure request: by id or CPR, and the municipality's reference of the decision. */
    public record ErasureRequest(UUID citizenId, String cpr, String reference) {
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final AgroalDataSource db;
    private final Policies policies;
    private final LegalHolds holds;
    private final Retention retention;
    private final Citizens citizens;
    private final AuditTrail audit;
    private final Clock clock;

    RetentionResource(SecurityIdentity identity, CallerResolver callers, AgroalDataSource db, Policies policies,
            LegalHolds holds, Retention retention, Citizens citizens, AuditTrail audit, Clock clock) {
        this.identity = identity;
        this.callers = callers;
        this.db = db;
        this.policies = policies;
        this.holds = holds;
        this.retention = retention;
        this.citizens = citizens;
        this.audit = audit;
        this.clock = clock;
    }

    @GET
    @Path("/policy")
    public PolicyView policy() throws SQLException {
        Caller caller = caller();
        try (Connection c = db.getConnection()) {
            return view(retention.effective(policies.get(c, caller.tenantId())));
        }
    }

    @PUT
    @Path("/policy")
    public PolicyView setPolicy(PolicyRequest body) throws SQLException {
        Caller caller = caller();
        if (body == null || body.conversationDays() == null) {
            throw ProblemException.invalid("conversationDays", "is required");
        }
        Policy p = new Policy(body.conversationDays(), body.kleDays(), body.recordDays(),
                Boolean.TRUE.equals(body.enabled()), null, null, null);
        p.validate(retention.recordKinds().keySet());
        try (Connection c = db.getConnection()) {
            policies.put(c, caller.tenantId(), p, clock.instant(), who(caller));
            audited(caller, AuditAction.RETENTION_POLICY_CHANGED, "tenant", caller.tenantId(),
                    Map.of("conversationDays", Integer.toString(p.conversationDays()),
                            "enabled", Boolean.toString(p.enabled())));
            return view(retention.effective(policies.get(c, caller.tenantId())));
        }
    }

    /** What the policy would delete now, and records that the admin has seen it (the job needs that). */
    @POST
    @Path("/dry-run")
    public Retention.Report dryRun() throws SQLException {
        Caller caller = caller();
        Retention.Report r = retention.apply(caller.tenantId(), true);
        audited(caller, AuditAction.RETENTION_DRY_RUN, "tenant", caller.tenantId(),
                Map.of("due", Long.toString(r.conversations().due())));
        return r;
    }

    /** Runs the policy now; 409 dry-run-required unless a dry run was made after its last change. */
    @POST
    @Path("/run")
    public Retention.Report run() throws SQLException {
        Caller caller = caller();
        try (Connection c = db.getConnection()) {
            Policy p = policies.get(c, caller.tenantId());
            if (p.dryRunAt() == null || p.updatedAt() != null && p.dryRunAt().isBefore(p.updatedAt())) {
                throw new ProblemException(ErrorCode.DRY_RUN_REQUIRED,
                        "Make a dry run of the current policy (POST /api/v1/admin/retention/dry-run) first");
            }
        }
        Retention.Report r = retention.apply(caller.tenantId(), false);
        audited(caller, AuditAction.RETENTION_RUN, "tenant", caller.tenantId(),
                Map.of("deleted", Long.toString(r.conversations().deleted()),
                        "held", Long.toString(r.conversations().held()),
                        "waitingForJournal", Long.toString(r.conversations().waitingForJournal())));
        return r;
    }

    @GET
    @Path("/holds")
    public Items<LegalHolds.Hold> holds(@QueryParam("includeLifted") boolean includeLifted) throws SQLException {
        Caller caller = caller();
        try (Connection c = db.getConnection()) {
            return new Items<>(holds.list(c, caller.tenantId(), includeLifted));
        }
    }

    /** 201 with the hold. Exactly one of conversationId, citizenId and cpr; a reason is required. */
    @POST
    @Path("/holds")
    public RestResponse<LegalHolds.Hold> placeHold(HoldRequest body) throws SQLException {
        Caller caller = caller();
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        int targets = (body.conversationId() == null ? 0 : 1) + (body.citizenId() == null ? 0 : 1)
                + (body.cpr() == null ? 0 : 1);
        if (targets != 1) {
            throw ProblemException.invalid("conversationId", "give exactly one of conversationId, citizenId, cpr");
        }
        String reason = reason("reason", body.reason());
        UUID citizen = body.cpr() != null ? citizenByCpr(caller, body.cpr()) : body.citizenId();
        try (Connection c = db.getConnection()) {
            LegalHolds.Hold h = holds.place(c, caller.tenantId(), Uuid7.next(clock), body.conversationId(), citizen,
                    reason, who(caller), clock.instant());
            audited(caller, AuditAction.LEGAL_HOLD_PLACED, h.conversationId() != null ? "conversation" : "citizen",
                    h.conversationId() != null ? h.conversationId() : h.citizenId(),
                    Map.of("holdId", h.id().toString()));
            return RestResponse.status(RestResponse.Status.CREATED, h);
        }
    }

    @POST
    @Path("/holds/{id}/lift")
    public LegalHolds.Hold liftHold(@PathParam("id") UUID id, LiftRequest body) throws SQLException {
        Caller caller = caller();
        String reason = reason("reason", body == null ? null : body.reason());
        try (Connection c = db.getConnection()) {
            LegalHolds.Hold h = holds.lift(c, caller.tenantId(), id, reason, who(caller), clock.instant());
            audited(caller, AuditAction.LEGAL_HOLD_LIFTED, h.conversationId() != null ? "conversation" : "citizen",
                    h.conversationId() != null ? h.conversationId() : h.citizenId(),
                    Map.of("holdId", h.id().toString()));
            return h;
        }
    }

    /**
     * A citizen's erasure request, where the law allows it (the municipality decides; its reference is
     * audited): every conversation of the citizen is deleted by the same path as retention — unless a legal
     * hold keeps it, or the case system does not have all of it yet (then it is reported, and a later
     * request or the retention job deletes it).
     */
    @POST
    @Path("/erasure")
    public Retention.Erased erase(ErasureRequest body) throws SQLException {
        Caller caller = caller();
        if (body == null || (body.citizenId() == null) == (body.cpr() == null)) {
            throw ProblemException.invalid("citizenId", "give exactly one of citizenId, cpr");
        }
        String reference = reason("reference", body.reference());
        UUID citizen = body.cpr() != null ? citizenByCpr(caller, body.cpr()) : body.citizenId();
        Retention.Erased e = retention.eraseCitizen(caller.tenantId(), citizen);
        audited(caller, AuditAction.CITIZEN_ERASED, "citizen", citizen,
                Map.of("reference", reference, "deleted", Integer.toString(e.deleted()),
                        "held", Integer.toString(e.held()), "waitingForJournal",
                        Integer.toString(e.waitingForJournal())));
        return e;
    }

    private UUID citizenByCpr(Caller caller, String cpr) {
        if (!cpr.matches("\\d{10}")) {
            throw ProblemException.invalid("cpr", "must be 10 digits");
        }
        UUID id = citizens.find(caller.tenantId(), cpr).await().atMost(Duration.ofSeconds(30));
        if (id == null) {
            throw ProblemException.notFound("citizen");
        }
        return id;
    }

    private static String reason(String field, String text) {
        if (text == null || text.isBlank() || text.length() > 500) {
            throw ProblemException.invalid(field, "is required, 1 to 500 characters");
        }
        return text.strip();
    }

    private PolicyView view(Policy p) {
        String state = !p.enabled() ? "disabled" : p.active() ? "active" : "waiting-for-dry-run";
        return new PolicyView(p.conversationDays(), p.kleDays(), p.recordDays(), p.enabled(), p.updatedAt(),
                p.updatedBy(), p.dryRunAt(), state);
    }

    private void audited(Caller c, AuditAction action, String targetType, UUID targetId, Map<String, String> detail) {
        audit.record(new AuditEvent(c.tenantId(), AuditActor.of(c), action, targetType, targetId, detail)).await()
                .atMost(Duration.ofSeconds(30));
    }

    private static String who(Caller c) {
        return (c.isStaff() ? "staff:" : "service:") + (c.isStaff() ? c.id() : c.name());
    }

    private Caller caller() {
        return callers.resolve(identity).await().atMost(Duration.ofSeconds(30));
    }
}
