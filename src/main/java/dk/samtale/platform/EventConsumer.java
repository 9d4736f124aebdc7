package dk.samtale.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A feature that follows the conversation event log (an {@code @ApplicationScoped} bean; {@link EventLog}
 * finds every one). For each tenant it gets the committed events after its cursor, in order, a batch at
 * a time, inside one transaction: it writes its own rows on {@code connection} and returns; the log
 * moves its cursor in the same transaction and commits. So a crash anywhere repeats no event and loses
 * none, with several replicas too (one consumer pass per tenant at a time, under an advisory lock).
 * A consumer reads and writes only its own tables (and what the event carries); it skips the kinds it
 * does not handle.
 */
public interface EventConsumer {

    /** The cursor's name: stable, unique ({@code journal}, {@code push}, {@code sms}). */
    String name();

    /**
     * Handles the tenant's next events (at least one), in the caller's transaction, and returns what to do
     * once that transaction has committed (wake a sender, publish to sockets), or null. Throwing rolls the
     * batch back: it comes again, whole, after a backoff.
     */
    Runnable handle(Connection connection, UUID tenantId, List<LoggedEvent> events) throws SQLException;

    /** Most events per transaction. */
    default int batchSize() {
        return 500;
    }

    /**
     * How often every replica looks for events it was not woken for (committed on a replica that died
     * before its notification went out). Commits normally wake every consumer at once.
     */
    default Duration pollInterval() {
        return Duration.ofSeconds(1);
    }

    /** How long a wake waits so that a burst of messages becomes one pass. */
    default Duration coalesce() {
        return Duration.ofMillis(2);
    }
}
