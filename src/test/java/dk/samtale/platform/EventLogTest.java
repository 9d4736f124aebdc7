package dk.samtale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.EventLogs;
import dk.samtale.testing.World;

/**
 * The event log's guarantees, with a probe consumer: every committed message reaches every consumer
 * exactly once and in seq order within its conversation, a consumer that fails in the middle of a batch
 * loses nothing and repeats nothing, and events every consumer has passed are pruned.
 */
@QuarkusTest
class EventLogTest {

    @Inject
    ProbeConsumer probe;

    @Inject
    EventLog log;

    @Inject
    AgroalDataSource db;

    @Test
    void aConsumerThatFailsMidBatchGetsTheWholeBatchAgainAndTakesEachEventOnce() throws Exception {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        List<String> ids = new ArrayList<>();
        ids.add(send(conversation, "før fejlen"));
        EventLogs.awaitPassed("test-probe", ids.get(0));
        int failuresBefore = probe.failures();
        probe.failOnceAt(UUID.fromString(conversation), 2);
        ids.add(sendWithoutWaiting(conversation, "fejlen"));
        for (int i = 0; i < 5; i++) {
            ids.add(sendWithoutWaiting(conversation, "efter fejlen " + i));
        }
        for (String id : ids) {
            EventLogs.awaitPassed("test-probe", id);
        }
        assertEquals(failuresBefore + 1, probe.failures(), "the batch with seq 2 failed once");
        for (String id : ids) {
            assertEquals(1, count("SELECT count(*) FROM test_probe_taken WHERE message_id = ?", UUID.fromString(id)),
                    "taken exactly once: " + id);
        }
        List<Long> seqs = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT t.seq FROM test_probe_taken t JOIN message m ON m.id = t.message_id "
                                + "WHERE m.conversation_id = ? ORDER BY t.seq")) {
            st.setObject(1, UUID.fromString(conversation));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                }
            }
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seqs);
    }

    @Test
    void eventsEveryConsumerHasPassedArePruned() throws Exception {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String id = send(conversation, "ryd op");
        for (String consumer : List.of("journal", "push", "sms", "test-probe")) {
            EventLogs.awaitPassed(consumer, id);
        }
        log.prune();
        assertEquals(0, count("SELECT count(*) FROM conversation_event WHERE message_id = ?", UUID.fromString(id)));
        assertEquals(1, count("SELECT count(*) FROM message WHERE id = ?", UUID.fromString(id)));
    }

    private static String send(String conversation, String body) {
        String id = sendWithoutWaiting(conversation, body);
        EventLogs.awaitPassed("test-probe", id);
        return id;
    }

    private static String sendWithoutWaiting(String conversation, String body) {
        return Api.as(World.citizenA())
                .body(java.util.Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body))
                .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(201).extract()
                .path("messageId");
    }

    private long count(String sql, UUID arg) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
