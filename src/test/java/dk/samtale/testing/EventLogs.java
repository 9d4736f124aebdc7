package dk.samtale.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.Arc;

/**
 * Waiting for the event log's consumers (journal, push, sms) in tests: they run after commit, so what a
 * consumer writes (a push due, an SMS notice, a journal entry) appears a moment after the send's answer.
 */
public final class EventLogs {

    private EventLogs() {
    }

    /** Waits (up to 10 s) until {@code consumer}'s cursor has passed the event of this message. */
    public static void awaitPassed(String consumer, String messageId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (passed(consumer, UUID.fromString(messageId))) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("consumer " + consumer + " did not pass the event of message " + messageId);
    }

    /** Whether the consumer's cursor is at or past the message's event (or the event was pruned). */
    public static boolean passed(String consumer, UUID messageId) {
        AgroalDataSource db = Arc.container().instance(AgroalDataSource.class).get();
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement("""
                        SELECT count(*) FROM conversation_event e
                        LEFT JOIN event_cursor k ON k.consumer = ? AND k.tenant_id = e.tenant_id
                        WHERE e.message_id = ? AND (k.tenant_id IS NULL OR (e.tx, e.id) > (k.tx, k.id))""")) {
            st.setString(1, consumer);
            st.setObject(2, messageId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 0;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
