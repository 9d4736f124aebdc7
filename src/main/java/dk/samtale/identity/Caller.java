package dk.samtale.identity;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import java.util.UUID;

/**
 * A verified caller resolved against the directory: which tenant, which citizen or staff row, and
 * (staff) which units. Every authorisation decision is made on this record.
 *
 * @param id the citizen's or staff member's id; null for service clients
 * @param unitIds the units a staff member belongs to; empty for others
 * @param born a citizen's date of birth, derived from the verified token's CPR at sign-in (never stored; kept
 *        only in this in-memory record, so a child's age is evaluated at each access); null when unknown
 *        (staff, service clients, a citizen reached by SMS only)
 */
public record Caller(CallerKind kind, UUID tenantId, String tenantName, UUID id, String name, Set<UUID> unitIds,
        Set<String> roles, Instant expiresAt, LocalDate born) {

    public Caller(CallerKind kind, UUID tenantId, String tenantName, UUID id, String name, Set<UUID> unitIds,
            Set<String> roles, Instant expiresAt) {
        this(kind, tenantId, tenantName, id, name, unitIds, roles, expiresAt, null);
    }

    /** A citizen's age today (Danish date), or null when not known. */
    public Integer age(Clock clock) {
        return born == null ? null : Cpr.age(born, LocalDate.now(clock.withZone(Cpr.DENMARK)));
    }

    /** Whether this is a citizen under 18 today: the rules for children apply to them. */
    public boolean isChild(Clock clock) {
        Integer age = age(clock);
        return isCitizen() && age != null && age < Cpr.ADULT;
    }

    public boolean isCitizen() {
        return kind == CallerKind.citizen;
    }

    public boolean isStaff() {
        return kind == CallerKind.staff;
    }

    /** Whether this caller may see a conversation with this tenant, unit and citizen. */
    public boolean canSee(UUID tenant, UUID unit, UUID citizen) {
        return tenantId.equals(tenant) && switch (kind) {
            case citizen -> id.equals(citizen);
            case staff -> unitIds.contains(unit);
            case service -> false;
        };
    }

    public Actor actor() {
        return new Actor(isCitizen() ? Actor.ActorKind.citizen : Actor.ActorKind.staff, id, name);
    }

    @Override
    public String toString() {
        return "Caller[" + kind + " " + id + " tenant " + tenantId + "]";
    }
}
