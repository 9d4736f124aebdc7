package dk.samtale.journal;

import java.util.UUID;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.Route;

/**
 * The journal's {@code journal-state} event for staff sockets: a message is journaled or acknowledged.
 * {@code journaled} also holds for every earlier message of the conversation (entries follow seq within a
 * conversation), so the sequencer publishes one per conversation and batch, not one per entry.
 */
final class JournalStateEvent {

    static final String TYPE = "journal-state";

    private JournalStateEvent() {
    }

    static ConversationEvent of(Route route, UUID messageId, long seq, String state) {
        return ConversationEvent.FeatureEvent.messageState(route, TYPE, ConversationEvent.Audience.staff, messageId,
                seq, state);
    }
}
