package dk.samtale.conversation;

import java.time.Instant;
import java.util.UUID;

/** A conversation as one caller sees it, with that caller's read state. */
public record ConversationView(UUID id, Ref unit, Ref citizen, String subject, Conversation.Status status, Ref assignee,
        String caseNumber, String kleClass, long lastSeq, Instant lastMessageAt, Instant createdAt, Instant updatedAt,
        long readSeq, long unreadCount, long counterpartReadSeq, String actionFacet, String channelPolicy) {

    /** An id with a display name. */
    public record Ref(UUID id, String name) {
    }
}
