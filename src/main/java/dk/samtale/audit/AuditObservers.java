package dk.samtale.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dk.samtale.identity.CitizenLookedUp;

/**
 * Audits what other features announce as events rather than call the trail for (identity cannot depend
 * on the audit package, which depends on it).
 */
@ApplicationScoped
class AuditObservers {

    private static final Logger LOG = Logger.getLogger(AuditObservers.class);

    private final AuditTrail trail;

    AuditObservers(AuditTrail trail) {
        this.trail = trail;
    }

    void onLookup(@Observes CitizenLookedUp e) {
        trail.record(new AuditEvent(e.tenantId(), AuditActor.staff(e.staffId()), AuditAction.CITIZEN_LOOKED_UP,
                "citizen", e.citizenId(), java.util.Map.of())).subscribe().with(x -> {
                }, f -> LOG.errorf("audit entry for a CPR lookup by staff %s could not be stored (%s)", e.staffId(),
                        f.getClass().getSimpleName()));
    }
}
