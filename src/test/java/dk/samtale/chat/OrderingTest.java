package dk.samtale.chat;

import static dk.samtale.chat.SocketAssertions.history;
import static dk.samtale.chat.SocketAssertions.oneTo;
import static dk.samtale.chat.SocketAssertions.send;
import static dk.samtale.chat.SocketAssertions.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * The per-connection ordering guarantee under concurrent writers: once a connection has seen a seq
 * of a conversation, its message frames (and, on a sender's own connection, its acks) for that
 * conversation arrive in seq order with no gap and no duplicate.
 */
@QuarkusTest
class OrderingTest {

    private static final int PER_SENDER = 50;
    private static final int TOTAL = 2 * PER_SENDER;
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void concurrentSendersAreSeenInSeqOrderWithoutGapsOrDuplicatesOnEveryConnection() throws Exception {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (WsClient citizen = WsClient.connect(World.citizenA());
                WsClient staff = WsClient.connect(World.staffX());
                WsClient observer = WsClient.connectAsBrowser(World.staffX2())) {
            // each connection first catches up (nothing yet): from then on the guarantee holds from seq 1
            for (WsClient ws : List.of(citizen, staff, observer)) {
                ws.send(Map.of("type", "resume", "id", "start", "conversations",
                        List.of(Map.of("conversationId", conversation, "afterSeq", 0))));
                assertEquals(0, ws.await("synced").path("conversations").get(0).path("lastSeq").asLong());
            }

            // both sides send 50 messages at once, without waiting for acks (50 stays within the burst of 60)
            CompletableFuture<Void> fromCitizen = CompletableFuture.runAsync(
                    () -> sendAll(citizen, conversation, "citizen"), pool);
            CompletableFuture<Void> fromStaff = CompletableFuture.runAsync(
                    () -> sendAll(staff, conversation, "staff"), pool);
            fromCitizen.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            fromStaff.get(LIMIT.toSeconds(), TimeUnit.SECONDS);

            assertEquals(oneTo(TOTAL), receivedSeqs(observer, conversation, "the other staff member"),
                    "message frames on the other staff member's connection");
            assertEquals(oneTo(TOTAL), receivedSeqs(citizen, conversation, "the citizen"),
                    "acks and message frames on the citizen's connection");
            assertEquals(oneTo(TOTAL), receivedSeqs(staff, conversation, "the sending staff member"),
                    "acks and message frames on the sending staff member's connection");
            for (WsClient ws : List.of(citizen, staff, observer)) {
                ws.assertNoFrame(Duration.ofMillis(300), "message", "ack", "error");
            }
        } finally {
            pool.shutdownNow();
        }

        List<JsonNode> stored = history(World.staffX(), conversation);
        assertEquals(oneTo(TOTAL), seqs(stored));
        Set<String> bodies = new HashSet<>();
        stored.forEach(m -> bodies.add(m.path("body").asText()));
        assertEquals(TOTAL, bodies.size(), "every message is stored once");
        for (int i = 0; i < PER_SENDER; i++) {
            assertTrue(bodies.contains("citizen " + i) && bodies.contains("staff " + i), "message " + i + " missing");
        }
    }

    private static void sendAll(WsClient ws, String conversation, String who) {
        for (int i = 0; i < PER_SENDER; i++) {
            ws.send(send(who + "-" + i, conversation, who + "-" + i + "-" + conversation, who + " " + i));
        }
    }

    /**
     * The seqs of this conversation as the connection receives them: message frames, and the acks of
     * its own sends (which take the place of their message frames). Stops at {@link #TOTAL} frames, or
     * when nothing has come for {@link WsClient#WAIT}, so that a missing frame shows in the comparison.
     */
    private static List<Long> receivedSeqs(WsClient ws, String conversation, String who) {
        List<Long> seqs = new ArrayList<>();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (seqs.size() < TOTAL && System.nanoTime() < deadline) {
            JsonNode f = ws.poll(WsClient.WAIT);
            if (f == null) {
                break;
            }
            switch (f.path("type").asText()) {
                case "message" -> {
                    if (conversation.equals(f.path("message").path("conversationId").asText())) {
                        seqs.add(f.path("message").path("seq").asLong());
                    }
                }
                case "ack" -> {
                    if (conversation.equals(f.path("conversationId").asText())) {
                        seqs.add(f.path("seq").asLong());
                    }
                }
                case "error" -> throw new AssertionError(who + " got an error: " + f);
                default -> {
                    // read receipts, typing and conversation changes are not part of this check
                }
            }
        }
        return seqs;
    }
}
