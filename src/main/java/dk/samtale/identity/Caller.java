package dk.samtale.identity;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A verified caller resolved against the directory: which tenant, which citizen or staff row, and
 * (staff) which units. Every authorisation decision is made on this record.
 *
 * @param id the citizen's or staff member's id; null for service clients
 * @param unitIds the units a staff member belongs to; empty for others
 */
public record Caller(CallerKind kind, UUID tenantId, String tenantName, UUID id, String name, Set<UUID> unitIds,
        Set<String> roles, Instant expiresAt) {

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
