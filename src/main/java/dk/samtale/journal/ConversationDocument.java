package dk.samtale.journal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What caseworkers print today: one conversation as a readable document for the case file. Rendered by a
 * {@link DocumentRenderer}; the citizen's CPR number is in it only when the tenant enabled that.
 *
 * @param parties the child and the guardians of a conversation about a child, with their roles
 * @param covers the journal entries (position and hash) of the messages it shows, so the case system can
 *        tie the document to the chain
 */
public record ConversationDocument(UUID conversationId, String municipality, String unit, String citizenName,
        String citizenCpr, String subject, String caseNumber, String kleClass, String actionFacet, String status,
        Instant generatedAt, List<Line> messages, List<Covered> covers, List<Party> parties) {

    /** A conversation of the citizen alone: no parties listed. */
    public ConversationDocument(UUID conversationId, String municipality, String unit, String citizenName,
            String citizenCpr, String subject, String caseNumber, String kleClass, String actionFacet, String status,
            Instant generatedAt, List<Line> messages, List<Covered> covers) {
        this(conversationId, municipality, unit, citizenName, citizenCpr, subject, caseNumber, kleClass, actionFacet,
                status, generatedAt, messages, covers, List.of());
    }

    /**
     * A party of a conversation about a child (issue 20), by name: {@code child} or {@code guardian}. Empty
     * for an ordinary conversation.
     */
    public record Party(String role, String name) {
    }

    /**
     * One message.
     *
     * @param state what the other side has done with it: {@code read}, {@code delivered} or {@code sent}
     */
    public record Line(long seq, Instant at, String senderKind, String senderName, String channel, String state,
            String body) {
    }

    public record Covered(long position, String hash) {
    }

    /** The highest message seq shown: a document is made once per (conversation, last seq). */
    public long lastSeq() {
        return messages.isEmpty() ? 0 : messages.get(messages.size() - 1).seq();
    }
}
