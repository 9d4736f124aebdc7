package dk.samtale.sms;

import java.util.UUID;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.Route;

/**
 * The SMS feature's {@code sms-state} event for staff sockets: a message's SMS is queued, sent, delivered
 * or failed (state null: it was cancelled, no SMS goes). Citizens never get it.
 */
final class SmsStateEvent {

    static final String TYPE = "sms-state";

    private SmsStateEvent() {
    }

    static ConversationEvent of(Route route, UUID messageId, long seq, String state) {
        return ConversationEvent.FeatureEvent.messageState(route, TYPE, ConversationEvent.Audience.staff, messageId,
                seq, state);
    }
}
