package dk.samtale.conversation;

import java.util.function.Consumer;

/**
 * Carries conversation events to every replica, each of which delivers them to its own sockets.
 *
 * <p>
 * Contract: {@link #publish} is called only after the change is committed, returns at once and never
 * fails the caller; delivery is best-effort and may repeat or drop under failure (clients heal by
 * resuming). Events published on this replica reach local subscribers directly; events from other
 * replicas arrive with their messages already loaded.
 */
public interface Fanout {

    void publish(ConversationEvent event);

    void subscribe(Consumer<ConversationEvent> subscriber);
}
