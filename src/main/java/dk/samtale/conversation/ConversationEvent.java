package dk.samtale.conversation;

import dk.samtale.identity.Actor;

/**
 * Something that happened in a conversation, for every replica's live sockets. Events are
 * notifications, not the truth: a client that misses one recovers by resuming from the database.
 */
public sealed interface ConversationEvent {

    Route route();

    /** A message was committed. */
    record MessagePosted(Route route, Message message) implements ConversationEvent {
    }

    /** A participant's read or delivered cursor moved forward. */
    record CursorMoved(Route route, Actor reader, Cursor cursor, long seq) implements ConversationEvent {
    }

    /** A participant is typing (ephemeral, never stored). */
    record Typing(Route route, Actor sender) implements ConversationEvent {
    }

    /** The conversation was created, assigned, closed or reopened. */
    record Changed(Route route) implements ConversationEvent {
    }

    /** An internal note was added (staff of the unit only; the note is loaded by whoever may see it). */
    record NoteAdded(Route route, java.util.UUID noteId) implements ConversationEvent {
    }

    /**
     * A message's SMS moved (queued, sent, delivered, failed). For staff sockets only: citizens never see
     * SMS delivery state.
     */
    record SmsStateChanged(Route route, java.util.UUID messageId, long seq, String state) implements ConversationEvent {
    }

    /**
     * A message's journal entry changed state (journaled, acknowledged); for the staff of the unit only.
     */
    record JournalStateChanged(Route route, java.util.UUID messageId, long seq, String state)
            implements
                ConversationEvent {
    }

    enum Cursor {
        read, delivered
    }
}
