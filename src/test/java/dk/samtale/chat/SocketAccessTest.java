package dk.samtale.chat;

import static dk.samtale.chat.SocketAssertions.assertError;
import static dk.samtale.chat.SocketAssertions.history;
import static dk.samtale.chat.SocketAssertions.next;
import static dk.samtale.chat.SocketAssertions.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * Over the socket, a conversation exists only for its citizen and the staff of its unit: everyone
 * else gets {@code not-found} for every frame about it (exactly as for a conversation that does not
 * exist) and never receives any of its events.
 */
@QuarkusTest
class SocketAccessTest {

    private static final Duration QUIET = Duration.ofMillis(700);
    private static final String[] CONVERSATION_EVENTS = {"message", "ack", "typing", "read", "delivered",
            "conversation"};

    @Test
    void anotherCitizenCannotSendReadTypeOrResumeIntoTheConversation() {
        assertLockedOut(World.citizenB());
    }

    @Test
    void staffOfAnotherUnitCannotSendReadTypeOrResumeIntoTheConversation() {
        assertLockedOut(World.staffY());
    }

    @Test
    void staffOfAnotherTenantCannotSendReadTypeOrResumeIntoTheConversation() {
        assertLockedOut(World.staffOfAndenby());
    }

    @Test
    void aCitizenOfAnotherTenantCannotSendReadTypeOrResumeIntoTheConversation() {
        assertLockedOut(World.citizenOfAndenby());
    }

    /**
     * The outsider tries every frame on a conversation of citizen A and unit X while both participants
     * are connected: each is refused as not-found, exactly like an unknown id, and the participants see
     * nothing of it.
     */
    private static void assertLockedOut(String outsiderToken) {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        long seq = World.send(World.citizenA(), conversation, "kun mellem os");
        String unknown = UUID.randomUUID().toString();
        try (WsClient citizen = WsClient.connect(World.citizenA());
                WsClient staff = WsClient.connect(World.staffX());
                WsClient outsider = WsClient.connect(outsiderToken)) {
            List<String> messages = new java.util.ArrayList<>();
            for (String target : List.of(conversation, unknown)) {
                outsider.send(send("send", target, UUID.randomUUID().toString(), "snydt"));
                messages.add(assertNotFound(outsider, "send", target));
                outsider.send(Map.of("type", "read", "id", "read", "conversationId", target, "seq", seq));
                messages.add(assertNotFound(outsider, "read", target));
                outsider.send(Map.of("type", "delivered", "id", "delivered", "conversationId", target, "seq", seq));
                messages.add(assertNotFound(outsider, "delivered", target));
                outsider.send(Map.of("type", "typing", "id", "typing", "conversationId", target));
                messages.add(assertNotFound(outsider, "typing", target));
                outsider.send(Map.of("type", "resume", "id", "resume", "conversations",
                        List.of(Map.of("conversationId", target, "afterSeq", 0))));
                messages.add(assertNotFound(outsider, "resume", target));
                JsonNode synced = next(outsider);
                assertEquals("synced", synced.path("type").asText(), () -> "expected synced, got " + synced);
                assertEquals(0, synced.path("conversations").size(), () -> "synced lists " + synced);
            }
            // a hidden conversation looks exactly like one that does not exist
            assertEquals(messages.subList(0, 5), messages.subList(5, 10));
            citizen.assertNoFrame(QUIET, CONVERSATION_EVENTS);
            staff.assertNoFrame(Duration.ZERO, CONVERSATION_EVENTS);
            outsider.assertNoFrame(Duration.ZERO, CONVERSATION_EVENTS);
        }
        List<JsonNode> stored = history(World.citizenA(), conversation);
        assertEquals(1, stored.size());
        assertEquals("kun mellem os", stored.get(0).path("body").asText());
        JsonNode view = json(Api.as(World.citizenA()).get("/api/v1/conversations/" + conversation).then()
                .statusCode(200).extract().asString());
        assertEquals(0, view.path("counterpartReadSeq").asLong(), "an outsider moved a read cursor");
    }

    /** Asserts the next frame is not-found for this conversation; returns its message. */
    private static String assertNotFound(WsClient ws, String ref, String conversation) {
        JsonNode error = assertError(ws, "not-found", ref);
        assertEquals(conversation, error.path("conversationId").asText());
        return error.path("message").asText();
    }

    @Test
    void onlyTheParticipantsAndTheirUnitReceiveAConversationsEvents() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient citizen = WsClient.connect(World.citizenA());
                WsClient staff = WsClient.connectAsBrowser(World.staffX());
                WsClient colleague = WsClient.connect(World.staffX2());
                WsClient otherCitizen = WsClient.connect(World.citizenB());
                WsClient otherUnit = WsClient.connect(World.staffY());
                WsClient otherTenantStaff = WsClient.connect(World.staffOfAndenby());
                WsClient otherTenantCitizen = WsClient.connect(World.citizenOfAndenby())) {
            citizen.send(Map.of("type", "typing", "conversationId", conversation));
            assertEquals(conversation, staff.await("typing").path("conversationId").asText());
            assertEquals(conversation, colleague.await("typing").path("conversationId").asText());

            citizen.send(send("c-1", conversation, UUID.randomUUID().toString(), "Hej, jeg har et spørgsmål"));
            assertEquals(1, citizen.await("ack").path("seq").asLong());
            JsonNode first = staff.await("message").path("message");
            assertEquals("Hej, jeg har et spørgsmål", first.path("body").asText());
            assertEquals(first, colleague.await("message").path("message"));

            staff.send(Map.of("type", "read", "conversationId", conversation, "seq", 1));
            assertEquals(1, citizen.await("read").path("seq").asLong());
            staff.send(send("s-1", conversation, UUID.randomUUID().toString(), "Selvfølgelig, spørg løs"));
            assertEquals(2, staff.await("ack").path("seq").asLong());
            JsonNode second = citizen.await("message").path("message");
            assertEquals(2, second.path("seq").asLong());
            assertEquals(second, colleague.await("message").path("message"));

            Api.as(World.staffX()).post("/api/v1/conversations/" + conversation + "/close").then().statusCode(200);
            assertEquals("closed", citizen.await("conversation").path("conversation").path("status").asText());
            assertEquals("closed", colleague.await("conversation").path("conversation").path("status").asText());

            // everything has arrived where it should; nothing of it may arrive anywhere else
            otherCitizen.assertNoFrame(QUIET, CONVERSATION_EVENTS);
            for (WsClient outsider : List.of(otherUnit, otherTenantStaff, otherTenantCitizen)) {
                outsider.assertNoFrame(Duration.ZERO, CONVERSATION_EVENTS);
            }
            for (WsClient outsider : List.of(otherCitizen, otherUnit, otherTenantStaff, otherTenantCitizen)) {
                outsider.send(Map.of("type", "ping", "id", "still-there"));
                JsonNode pong = next(outsider);
                assertEquals("pong", pong.path("type").asText(), () -> "an outsider got " + pong);
            }
        }
    }

    @Test
    void aCitizenOnTwoDevicesGetsTheAckOnOneAndTheMessageOnTheOther() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient phone = WsClient.connect(World.citizenA());
                WsClient browser = WsClient.connectAsBrowser(World.citizenA());
                WsClient staff = WsClient.connect(World.staffX())) {
            String clientMessageId = UUID.randomUUID().toString();
            phone.send(send("from-phone", conversation, clientMessageId, "Skrevet på telefonen"));
            JsonNode ack = next(phone);
            assertEquals("ack", ack.path("type").asText(), () -> "expected the ack, got " + ack);
            assertEquals("from-phone", ack.path("ref").asText());

            JsonNode onBrowser = browser.await("message").path("message");
            assertEquals(ack.path("messageId").asText(), onBrowser.path("id").asText());
            assertEquals(ack.path("seq").asLong(), onBrowser.path("seq").asLong());
            assertEquals(clientMessageId, onBrowser.path("clientMessageId").asText());
            assertEquals("Skrevet på telefonen", onBrowser.path("body").asText());
            assertEquals(ack.path("messageId").asText(), staff.await("message").path("message").path("id").asText());

            // the sending device gets only the ack, the other device gets no ack
            phone.assertNoFrame(QUIET, "message", "ack");
            browser.assertNoFrame(Duration.ZERO, "ack", "message");

            // and the other way round
            browser.send(send("from-browser", conversation, UUID.randomUUID().toString(), "Og i browseren"));
            JsonNode browserAck = browser.await("ack");
            assertEquals("from-browser", browserAck.path("ref").asText());
            JsonNode onPhone = phone.await("message").path("message");
            assertEquals(browserAck.path("messageId").asText(), onPhone.path("id").asText());
            assertTrue(onPhone.path("seq").asLong() == ack.path("seq").asLong() + 1);
        }
    }

    private static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
