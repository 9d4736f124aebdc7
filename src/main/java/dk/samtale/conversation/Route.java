package dk.samtale.conversation;

import java.util.UUID;

/** Who may receive events of a conversation: its citizen and the staff of its unit, in its tenant. */
public record Route(UUID tenantId, UUID unitId, UUID citizenId, UUID conversationId) {
}
