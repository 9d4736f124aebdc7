package dk.samtale.conversation;

import java.util.Map;

import io.smallrye.mutiny.Uni;

import dk.samtale.identity.Caller;

/**
 * What one reader sees of a feature's event when its fields (ids only, as they travel through the
 * fan-out) are not enough: e.g. the inbox loads a note's text for a staff member of the unit. A bean
 * per event type; sockets without one for a type get the event's fields as they are.
 */
public interface EventDetail {

    /** The {@link ConversationEvent.FeatureEvent#type()} this bean details. */
    String type();

    /** The frame's fields (besides {@code type}) for this reader, or null when the reader may not see it. */
    Uni<Map<String, Object>> load(Caller reader, ConversationEvent.FeatureEvent event);
}
