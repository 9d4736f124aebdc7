package dk.samtale.identity;

import java.util.UUID;

/**
 * Fired (CDI event) after a staff member found a citizen by CPR, so the audit trail can record it. Ids
 * only: the CPR itself never leaves the lookup.
 */
public record CitizenLookedUp(UUID tenantId, UUID staffId, UUID citizenId) {
}
