package dk.samtale.conversation;

import java.time.Instant;
import java.util.UUID;

/**
 * A conversation as one caller sees it, with that caller's read state.
 *
 * <p>
 * The inbox's list states: {@code counterpartDeliveredSeq} (the other side's delivered cursor, so a
 * page opened later still shows "delivered"), {@code awaitingReply} and {@code waitingSince} (the
 * unit's, not one person's: the citizen wrote after the last staff message, whoever wrote it; since
 * the oldest such message), and {@code lastMessage} (who wrote last and the first line of it).
 * {@code parties}: who it is with — {@code citizen}, {@code child} (the child's own) or {@code guardians}
 * (about the child {@code citizen}, with {@code guardianIds} as the parties).
 */
public record ConversationView(UUID id, Ref unit, Ref citizen, String subject, Conversation.Status status, Ref assignee,
        String caseNumber, String kleClass, long lastSeq, Instant lastMessageAt, Instant createdAt, Instant updatedAt,
        long readSeq, long unreadCount, long counterpartReadSeq, String actionFacet, String channelPolicy,
        long counterpartDeliveredSeq, boolean awaitingReply, Instant waitingSince, LastMessage lastMessage,
        String parties, java.util.List<UUID> guardianIds) {

    public ConversationView(UUID id, Ref unit, Ref citizen, String subject, Conversation.Status status, Ref assignee,
            String caseNumber, String kleClass, long lastSeq, Instant lastMessageAt, Instant createdAt,
            Instant updatedAt, long readSeq, long unreadCount, long counterpartReadSeq, String actionFacet,
            String channelPolicy) {
        this(id, unit, citizen, subject, status, assignee, caseNumber, kleClass, lastSeq, lastMessageAt, createdAt,
                updatedAt, readSeq, unreadCount, counterpartReadSeq, actionFacet, channelPolicy, counterpartReadSeq,
                false, null, null, "citizen", java.util.List.of());
    }

    /** An id with a display name. */
    public record Ref(UUID id, String name) {
    }

    /**
     * The newest message, for the list: its seq, who sent it and the first line of its text (at most
     * {@link #PREVIEW} characters; null when the body cannot be opened).
     */
    public record LastMessage(long seq, String senderKind, Ref sender, String preview) {

        static final int PREVIEW = 120;

        static String preview(String body) {
            if (body == null) {
                return null;
            }
            String line = body.strip().lines().findFirst().orElse("");
            return line.codePointCount(0, line.length()) <= PREVIEW
                    ? line
                    : line.substring(0, line.offsetByCodePoints(0, PREVIEW - 1)) + "…";
        }
    }
}
