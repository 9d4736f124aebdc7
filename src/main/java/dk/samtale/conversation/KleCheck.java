package dk.samtale.conversation;

import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Checks a case reference's KLE values against the municipality's KLE catalogue, when its admin has
 * uploaded one (feature {@code kle}). Without a catalogue only the pattern check of {@link CaseReference}
 * applies.
 */
public interface KleCheck {

    /** Completes when the values are known (or no catalogue is present); fails with invalid-field otherwise. */
    Uni<Void> check(UUID tenantId, String kleClass, String actionFacet);
}
