package dk.samtale.platform;

import java.util.Set;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Which conversations a citizen has, for features that keep data per conversation and must find it for the
 * citizen (the insight report, retention) without reading the conversation feature's tables. Implemented by
 * the conversation feature.
 */
public interface CitizenConversations {

    /** Every conversation of the citizen in the tenant, open or closed; empty for an unknown citizen. */
    Uni<Set<UUID>> of(UUID tenantId, UUID citizenId);
}
