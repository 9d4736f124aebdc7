package dk.samtale.records;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dk.samtale.identity.CitizenLookedUp;
import dk.samtale.platform.AccessLog;

/**
 * A staff member's CPR lookup is an access to that citizen (identity announces it as an event: it cannot
 * know the features above it). No conversation and no unit: the lookup is of the person.
 */
@ApplicationScoped
class LookupAccesses {

    private final AccessLog log;

    LookupAccesses(AccessLog log) {
        this.log = log;
    }

    void onLookup(@Observes CitizenLookedUp e) {
        log.record(new AccessLog.Access(e.tenantId(), AccessLog.Accessor.staff(e.staffId()), e.citizenId(), null, null,
                AccessLog.Kind.CPR_LOOKUP));
    }
}
