package dk.samtale.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * A consumer of the event log that exists only in tests: it records each message event it takes in
 * test_probe_taken (a second take of one event would violate the key), and fails a batch on request —
 * after its own insert, as a crash in the middle of a consumer's work would — to show that the batch's
 * writes and the cursor roll back together and the events come again, once.
 */
@ApplicationScoped
public class ProbeConsumer implements EventConsumer {

    private final Set<String> failOnce = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failures = new AtomicInteger();

    @Override
    public String name() {
        return "test-probe";
    }

    /** Batches failed on request so far (a method: a field read through the bean's client proxy is not the bean's). */
    int failures() {
        return failures.get();
    }

    /** The first batch holding this message of the conversation fails, after writing. */
    void failOnceAt(UUID conversationId, long seq) {
        failOnce.add(conversationId + "#" + seq);
    }

    @Override
    public Runnable handle(Connection c, UUID tenantId, List<LoggedEvent> events) throws SQLException {
        try (PreparedStatement st = c
                .prepareStatement("INSERT INTO test_probe_taken (message_id, tenant_id, seq) VALUES (?, ?, ?)")) {
            for (LoggedEvent e : events) {
                if (e.isMessage()) {
                    st.setObject(1, e.messageId());
                    st.setObject(2, tenantId);
                    st.setLong(3, e.seq());
                    st.addBatch();
                }
            }
            st.executeBatch();
        }
        for (LoggedEvent e : events) {
            if (e.isMessage() && failOnce.remove(e.conversationId() + "#" + e.seq())) {
                failures.incrementAndGet();
                throw new IllegalStateException("probe: the consumer dies in the middle of its batch");
            }
        }
        return null;
    }
}
