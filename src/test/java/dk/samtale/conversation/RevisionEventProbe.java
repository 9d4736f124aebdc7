package dk.samtale.conversation;

import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.EventConsumer;
import dk.samtale.platform.LoggedEvent;

/**
 * A consumer of the event log that exists only in tests: it keeps the retraction and correction events it
 * takes, so a test sees exactly what the log carried (how many, and that the detail holds no text) even
 * after the log has pruned them.
 */
@ApplicationScoped
public class RevisionEventProbe implements EventConsumer {

    static final String NAME = "test-revisions";
    private static final ConcurrentLinkedQueue<LoggedEvent> TAKEN = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Runnable handle(Connection c, UUID tenantId, List<LoggedEvent> events) {
        events.stream().filter(e -> "retracted".equals(e.kind()) || "corrected".equals(e.kind())).forEach(TAKEN::add);
        return null;
    }

    /** The events of this kind about this message taken so far. */
    static List<LoggedEvent> taken(String messageId, String kind) {
        return TAKEN.stream().filter(e -> kind.equals(e.kind()) && messageId.equals(String.valueOf(e.messageId())))
                .toList();
    }
}
