package dk.samtale.conversation;

import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Whether a citizen can be reached by SMS (a verified number): an SMS channel policy needs it.
 * Implemented by the SMS feature, which owns the numbers.
 */
public interface SmsReach {

    Uni<Boolean> hasVerifiedNumber(UUID citizenId);
}
