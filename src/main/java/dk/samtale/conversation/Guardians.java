package dk.samtale.conversation;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * The port through which conversations learn who is a child's guardian, without reading the guardian
 * feature's tables (the guardian feature implements it). Ages are evaluated by the caller of
 * {@link #wardsOf} with its own clock, so a guardianship ends on the child's 18th birthday at each access.
 */
public interface Guardians {

    /**
     * The children this citizen is a registered guardian of (not ended by staff), each with the day the
     * child turns 18; empty for almost every citizen.
     */
    Uni<Map<UUID, LocalDate>> wardsOf(UUID tenantId, UUID citizenId);

    /** The child's current guardians: registered, not ended by staff, and the child under 18 today. */
    Uni<Set<UUID>> guardiansOf(UUID tenantId, UUID childId);
}
