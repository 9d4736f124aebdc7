package dk.samtale.conversation;

import java.util.Map;

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

    /**
     * An event a feature publishes about a conversation without conversation, chat or the fan-out knowing
     * it: {@code type} is the frame type sockets get ({@code sms-state}, {@code journal-state}, {@code note},
     * …), {@code audience} who may get it, {@code fields} what the frame carries besides its type and
     * conversation — ids, numbers and states only, never text (it travels through NOTIFY). A feature whose
     * frame needs more than its fields (a note's text) provides an {@link EventDetail} for its type, which
     * loads it for each reader who may see it.
     */
    record FeatureEvent(Route route, String type, Audience audience, Map<String, Object> fields)
            implements
                ConversationEvent {
        public FeatureEvent {
            fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        }

        /**
         * A feature's state of one message changed (its SMS, its journal entry, its attachment's scan, …):
         * the frame carries {@code messageId}, {@code seq} and {@code state} (null: no state any more).
         */
        public static FeatureEvent messageState(Route route, String type, Audience audience,
                java.util.UUID messageId, long seq, String state) {
            Map<String, Object> fields = new java.util.LinkedHashMap<>();
            fields.put("messageId", messageId);
            fields.put("seq", seq);
            fields.put("state", state);
            return new FeatureEvent(route, type, audience, fields);
        }
    }

    /** Who may get a feature's event. */
    enum Audience {
        /** The citizen and the staff of the unit. */
        participants,
        /** Only the staff of the unit (never a citizen's socket). */
        staff
    }

    enum Cursor {
        read, delivered
    }
}
