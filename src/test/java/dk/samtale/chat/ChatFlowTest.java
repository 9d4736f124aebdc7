package dk.samtale.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/** A citizen and a caseworker chat in real time over the WebSocket API. */
@QuarkusTest
class ChatFlowTest {

    @Test
    void citizenAndCaseworkerChatBothWaysInRealTime() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient citizen = WsClient.connect(World.citizenA());
                WsClient caseworker = WsClient.connectAsBrowser(World.staffX())) {
            citizen.send(Map.of("type", "send", "id", "f1", "conversationId", conversation, "clientMessageId", "c-1",
                    "body", "Hej, jeg har fået en praktikplads"));
            JsonNode ack = citizen.await("ack");
            assertEquals("f1", ack.path("ref").asText());
            assertEquals(1, ack.path("seq").asLong());

            JsonNode received = caseworker.await("message").path("message");
            assertEquals("Hej, jeg har fået en praktikplads", received.path("body").asText());
            assertEquals(ack.path("messageId").asText(), received.path("id").asText());
            assertEquals("citizen", received.path("sender").path("kind").asText());
            assertEquals("Anna Andersen", received.path("sender").path("name").asText());

            caseworker.send(Map.of("type", "send", "conversationId", conversation, "clientMessageId", "s-1", "body",
                    "Tillykke! Hvornår starter du?"));
            assertEquals(2, caseworker.await("ack").path("seq").asLong());
            JsonNode reply = citizen.await("message").path("message");
            assertEquals(2, reply.path("seq").asLong());
            assertEquals("staff", reply.path("sender").path("kind").asText());
            assertEquals("web", reply.path("channel").asText());

            // the sending socket gets the ack, not its own message back
            citizen.assertNoFrame("message", Duration.ofMillis(300));
        }
    }

    @Test
    void aRepeatedClientMessageIdGetsTheOriginalAckAndCreatesNothing() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient citizen = WsClient.connect(World.citizenA())) {
            Map<String, String> frame = Map.of("type", "send", "conversationId", conversation, "clientMessageId",
                    "retry-me", "body", "Er der nogen?");
            citizen.send(frame);
            JsonNode first = citizen.await("ack");
            citizen.send(frame);
            JsonNode second = citizen.await("ack");
            assertEquals(first.path("messageId"), second.path("messageId"));
            assertEquals(first.path("seq"), second.path("seq"));
            assertEquals(first.path("createdAt"), second.path("createdAt"));
        }
        List<Object> ids = Api.as(World.staffX()).get("/api/v1/conversations/" + conversation + "/messages?after=0")
                .then().statusCode(200).extract().path("items.id");
        assertEquals(1, ids.size());
    }

    @Test
    void resumeSendsExactlyWhatWasMissedInOrder() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        World.send(World.citizenA(), conversation, "en");
        World.send(World.staffX(), conversation, "to");
        World.send(World.citizenA(), conversation, "tre");
        World.send(World.staffX(), conversation, "fire");
        try (WsClient caseworker = WsClient.connect(World.staffX())) {
            caseworker.send(Map.of("type", "resume", "id", "r1", "conversations",
                    List.of(Map.of("conversationId", conversation, "afterSeq", 1))));
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                bodies.add(caseworker.await("message").path("message").path("body").asText());
            }
            assertEquals(List.of("to", "tre", "fire"), bodies);
            JsonNode synced = caseworker.await("synced");
            assertEquals("r1", synced.path("ref").asText());
            assertEquals(4, synced.path("conversations").get(0).path("lastSeq").asLong());
            assertTrue(synced.path("conversations").get(0).path("complete").asBoolean());
            caseworker.assertNoFrame("message", Duration.ofMillis(300));
        }
    }

    @Test
    void readReceiptsTypingAndConversationChangesReachTheOtherSide() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        long seq = World.send(World.staffX(), conversation, "Husk mødet i morgen");
        try (WsClient citizen = WsClient.connect(World.citizenA());
                WsClient caseworker = WsClient.connect(World.staffX())) {
            citizen.send(Map.of("type", "typing", "conversationId", conversation));
            JsonNode typing = caseworker.await("typing");
            assertEquals(conversation, typing.path("conversationId").asText());
            assertEquals("citizen", typing.path("sender").path("kind").asText());

            citizen.send(Map.of("type", "delivered", "conversationId", conversation, "seq", seq));
            assertEquals(seq, caseworker.await("delivered").path("seq").asLong());
            citizen.send(Map.of("type", "read", "conversationId", conversation, "seq", seq));
            JsonNode read = caseworker.await("read");
            assertEquals(seq, read.path("seq").asLong());
            assertEquals("citizen", read.path("reader").path("kind").asText());

            Api.as(World.staffX()).post("/api/v1/conversations/" + conversation + "/close").then().statusCode(200);
            JsonNode changed = citizen.await("conversation").path("conversation");
            assertEquals("closed", changed.path("status").asText());
        }
        long counterpartRead = ((Number) Api.as(World.staffX()).get("/api/v1/conversations/" + conversation).then()
                .statusCode(200).extract().path("counterpartReadSeq")).longValue();
        assertEquals(seq, counterpartRead);
    }

    @Test
    void pingIsAnsweredWithPong() {
        try (WsClient citizen = WsClient.connect(World.citizenA())) {
            citizen.send(Map.of("type", "ping", "id", "p-" + UUID.randomUUID()));
            assertNotNull(citizen.await("pong").path("ref").asText());
            assertFalse(citizen.isClosed());
        }
    }
}
