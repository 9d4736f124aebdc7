package dk.samtale.records;

import java.time.Instant;
import java.util.UUID;

/**
 * One stored access-log entry: what was recorded and its place in the tenant's chain. {@code hash} covers
 * every other field and {@code previousHash} ({@link AccessChain}).
 */
record AccessEntry(UUID tenantId, long position, UUID id, Instant at, String actorKind, UUID actorId,
        String actorClient, UUID citizenId, UUID conversationId, UUID unitId, String kind, String purpose,
        byte[] previousHash, byte[] hash) {
}
