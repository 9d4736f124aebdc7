package dk.samtale.conversation;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Where each message's SMS stands, for staff views ({@code queued}, {@code sent}, {@code delivered},
 * {@code failed}; absent: no SMS goes). Implemented by the SMS feature, which owns its tables.
 */
public interface SmsStates {

    /** The SMS state of each of these messages of the tenant that has one. */
    Uni<Map<UUID, String>> of(UUID tenantId, Collection<UUID> messageIds);
}
