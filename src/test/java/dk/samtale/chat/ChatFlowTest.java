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

    /**
     * Read, delivered and typing frames name a staff actor (the citizen sees "Kirsten Kvist skriver …"),
     * with the name the actor's own socket knows from its token; a citizen actor by id only (the staff know
     * whose conversation it is, and citizen names travel nowhere unsealed).
     */
    @Test
    void readDeliveredAndTypingFramesNameStaffActorsAndNotCitizens() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        long seq = World.send(World.staffX(), conversation, "Husk mødet");
        try (WsClient citizen = WsClient.connect(World.citizenA());
                WsClient caseworker = WsClient.connect(World.staffX())) {
            citizen.send(Map.of("type", "typing", "conversationId", conversation));
            assertTrue(caseworker.await("typing").path("sender").path("name").isNull());
            citizen.send(Map.of("type", "delivered", "conversationId", conversation, "seq", seq));
            assertTrue(caseworker.await("delivered").path("reader").path("name").isNull());
            citizen.send(Map.of("type", "read", "conversationId", conversation, "seq", seq));
            assertTrue(caseworker.await("read").path("reader").path("name").isNull());

            caseworker.send(Map.of("type", "typing", "conversationId", conversation));
            JsonNode typing = citizen.await("typing");
            assertEquals("staff", typing.path("sender").path("kind").asText());
            assertEquals(Api.as(World.staffX()).get("/api/v1/me").then().extract().path("name"),
                    typing.path("sender").path("name").asText());
        }
    }

    /**
     * Device sync (asyncapi.yaml): a reader's read/delivered frame reaches every socket of the
     * conversation's participants, the reader's own included, the one that sent it too, so the reader's
     * other devices clear their unread badges. A client tells its own receipts by reader.id.
     */
    @Test
    void aReadReachesTheReadersOwnSocketsToo() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        long seq = World.send(World.staffX(), conversation, "Læst?");
        String me = Api.as(World.citizenA()).get("/api/v1/me").then().statusCode(200).extract().path("id");
        try (WsClient phone = WsClient.connect(World.citizenA());
                WsClient tablet = WsClient.connect(World.citizenA())) {
            phone.send(Map.of("type", "read", "id", "r-1", "conversationId", conversation, "seq", seq));
            JsonNode onTablet = tablet.await("read");
            assertEquals(me, onTablet.path("reader").path("id").asText());
            assertEquals(seq, onTablet.path("seq").asLong());
            JsonNode echoed = phone.await("read");
            assertEquals(me, echoed.path("reader").path("id").asText());
            assertFalse(echoed.has("ref"), "a receipt is not an answer to the frame: it carries no ref");
        }
    }

    /**
     * Idempotency is per sender (asyncapi.yaml): a repeated clientMessageId, even with another body, gets
     * the original ack and stores nothing; another sender's equal clientMessageId is another message.
     */
    @Test
    void aRepeatedClientMessageIdOnTheSocketGetsTheOriginalAckEvenWithAnotherBody() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient citizen = WsClient.connect(World.citizenA());
                WsClient caseworker = WsClient.connect(World.staffX())) {
            citizen.send(Map.of("type", "send", "id", "s-1", "conversationId", conversation, "clientMessageId",
                    "same-id", "body", "Første tekst"));
            JsonNode first = citizen.await("ack");
            citizen.send(Map.of("type", "send", "id", "s-2", "conversationId", conversation, "clientMessageId",
                    "same-id", "body", "Anden tekst"));
            JsonNode repeat = citizen.await("ack");
            assertEquals("s-2", repeat.path("ref").asText());
            assertEquals(first.path("messageId"), repeat.path("messageId"));
            assertEquals(first.path("seq"), repeat.path("seq"));
            assertEquals(first.path("createdAt"), repeat.path("createdAt"));

            caseworker.send(Map.of("type", "send", "id", "s-3", "conversationId", conversation, "clientMessageId",
                    "same-id", "body", "Fra sagsbehandleren"));
            assertEquals(2, caseworker.await("ack").path("seq").asLong());
        }
        List<Object> bodies = Api.as(World.staffX()).get("/api/v1/conversations/" + conversation + "/messages")
                .then().statusCode(200).extract().path("items.body");
        assertEquals(List.of("Første tekst", "Fra sagsbehandleren"), bodies);
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
