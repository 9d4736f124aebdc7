package dk.samtale.inbox;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.audit.AuditAction;
import dk.samtale.audit.AuditActor;
import dk.samtale.audit.AuditEvent;
import dk.samtale.audit.AuditTrail;
import dk.samtale.identity.CallerResolver;

/** A unit's opening hours and automatic reply. Staff of the unit, or an admin of the tenant. */
@Path("/api/v1/units/{unitId}/office-hours")
@RolesAllowed({"staff", "admin"})
public class OfficeHoursResource {

    public record HoursInput(String timeZone, Map<String, List<Schedule.Span>> weekly, String autoReply,
            Boolean enabled) {
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final OfficeHours hours;
    private final AuditTrail audit;

    OfficeHoursResource(SecurityIdentity identity, CallerResolver callers, OfficeHours hours, AuditTrail audit) {
        this.identity = identity;
        this.callers = callers;
        this.hours = hours;
        this.audit = audit;
    }

    @GET
    public Uni<OfficeHours.Hours> get(@PathParam("unitId") UUID unitId) {
        return callers.resolve(identity).flatMap(c -> hours.get(c, unitId));
    }

    @PUT
    public Uni<OfficeHours.Hours> put(@PathParam("unitId") UUID unitId, HoursInput body) {
        HoursInput b = TemplateResource.require(body);
        return callers.resolve(identity)
                .flatMap(c -> hours.put(c, unitId, b.timeZone(), b.weekly(), b.autoReply(), b.enabled())
                        .call(h -> audit.record(AuditEvent.of(c.tenantId(), AuditActor.of(c),
                                AuditAction.OFFICE_HOURS_CHANGED, "unit", unitId))));
    }
}
