package dk.samtale.conversation;

import static dk.samtale.conversation.RestChecks.messages;
import static dk.samtale.conversation.RestChecks.notFound;
import static dk.samtale.conversation.RestChecks.problem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.platform.LoggedEvent;
import dk.samtale.testing.Api;
import dk.samtale.testing.EventLogs;
import dk.samtale.testing.TestClock;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * Correcting what was sent (issue 20): the sender retracts a message the other side has not read, within
 * the window; staff correct their own messages with a reason. Over REST and the WebSocket, idempotent,
 * authorised, live to the other side (also from another replica), with one event per change in the log.
 */
@QuarkusTest
class RetractCorrectTest {

    @Inject
    Pool pool;

    @Inject
    TestClock clock;

    /** Sends over REST; returns the message id. */
    private static String send(String token, String conversation, String body) {
        return Api.as(token).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body))
                .post(messages(conversation)).then().statusCode(201).extract().path("messageId");
    }

    private static String retractPath(String conversation, String message) {
        return messages(conversation) + "/" + message + "/retract";
    }

    private static String correctionPath(String conversation, String message) {
        return messages(conversation) + "/" + message + "/correction";
    }

    private static JsonPath page(String token, String conversation) {
        return Api.as(token).get(messages(conversation)).then().statusCode(200).extract().jsonPath();
    }

    /**
     * The events of this kind the log carried about the message, counted once the log has passed a message
     * sent after every request of the test (so a second event, had one been written, would be seen too).
     */
    private static List<LoggedEvent> events(String conversation, String message, String kind) {
        String later = send(World.staffX(), conversation, "senere");
        EventLogs.awaitPassed(RevisionEventProbe.NAME, later);
        return RevisionEventProbe.taken(message, kind);
    }

    @Test
    void theSenderRetractsAnUnreadMessageOnceAndTheOtherSideSeesItGoLive() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String message = send(World.citizenA(), conversation, "Mit telefonnummer er 12345678 — ups");
        try (WsClient caseworker = WsClient.connect(World.staffX())) {
            String first = Api.as(World.citizenA()).post(retractPath(conversation, message)).then().statusCode(200)
                    .body("messageId", equalTo(message)).body("seq", equalTo(1))
                    .extract().path("retractedAt");
            JsonNode frame = caseworker.await("message-retracted");
            assertEquals(message, frame.path("messageId").asText());
            assertEquals(conversation, frame.path("conversationId").asText());
            assertTrue(frame.path("ref").isMissingNode(), "the other side's copy answers no frame of theirs");

            // the same request again: the same answer, nothing new written, no second frame
            Api.as(World.citizenA()).post(retractPath(conversation, message)).then().statusCode(200)
                    .body("retractedAt", equalTo(first));
            caseworker.assertNoFrame("message-retracted", Duration.ofMillis(500));
        }
        for (String token : new String[]{World.citizenA(), World.staffX()}) {
            JsonPath p = page(token, conversation);
            assertEquals(message, p.getString("items[0].id"));
            assertNull(p.get("items[0].body"), "a retracted message has no body for anyone");
            assertTrue(p.getString("items[0].retractedAt") != null);
        }
        for (String token : new String[]{World.citizenA(), World.staffX()}) {
            Api.as(token).get(RestChecks.conversation(conversation)).then().statusCode(200)
                    .body("lastMessage.preview", equalTo("Beskeden blev trukket tilbage"));
        }
        // one event, without any detail (no text travels in the log); it comes before the later message
        List<LoggedEvent> logged = events(conversation, message, "retracted");
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).detail() == null || logged.get(0).detail().isNull(), "no detail");
    }

    @Test
    void aRetractedMessageIsNeitherUnreadNorAwaitingReply() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String message = send(World.citizenA(), conversation, "Hemmelig tekst");
        Api.as(World.staffX()).get(RestChecks.conversation(conversation)).then().statusCode(200)
                .body("unreadCount", equalTo(1)).body("awaitingReply", equalTo(true));
        Api.as(World.citizenA()).post(retractPath(conversation, message)).then().statusCode(200);
        Api.as(World.staffX()).get(RestChecks.conversation(conversation)).then().statusCode(200)
                .body("lastMessage.preview", equalTo("Beskeden blev trukket tilbage"))
                .body("unreadCount", equalTo(0)).body("awaitingReply", equalTo(false));
    }

    @Test
    void aReadMessageALateOneAndAnotherOneAreRefusedWithStableCodes() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String read = send(World.staffX(), conversation, "Svar fra sagsbehandleren");
        Api.as(World.citizenA()).body(Map.of("seq", 1)).post(RestChecks.conversation(conversation) + "/read").then()
                .statusCode(204);
        problem(Api.as(World.staffX()).post(retractPath(conversation, read)).then(), 409, "message-already-read");

        // a colleague of the same unit, the citizen, another citizen, another unit, another tenant
        String mine = send(World.staffX(), conversation, "Endnu et svar");
        problem(Api.as(World.staffX2()).post(retractPath(conversation, mine)).then(), 403, "not-your-message");
        problem(Api.as(World.citizenA()).post(retractPath(conversation, mine)).then(), 403, "not-your-message");
        notFound(Api.as(World.citizenB()).post(retractPath(conversation, mine)).then());
        notFound(Api.as(World.staffY()).post(retractPath(conversation, mine)).then());
        notFound(Api.as(World.staffOfAndenby()).post(retractPath(conversation, mine)).then());
        notFound(Api.as(World.staffX()).post(retractPath(conversation, UUID.randomUUID().toString())).then());

        // after the window (15 minutes by default)
        String late = send(World.citizenA(), conversation, "Sendt for længe siden");
        clock.advance(Duration.ofMinutes(16));
        try {
            problem(Api.as(World.citizenA()).post(retractPath(conversation, late)).then(), 409,
                    "retract-window-passed");
        } finally {
            clock.reset();
        }
        assertEquals(0, events(conversation, read, "retracted").size()
                + RevisionEventProbe.taken(mine, "retracted").size()
                + RevisionEventProbe.taken(late, "retracted").size());
        assertEquals("Sendt for længe siden", page(World.staffX(), conversation).getString("items[2].body"));
    }

    @Test
    void overTheSocketTheSenderGetsTheAnswerWithItsRefAndRefusalsAsErrorFrames() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String message = send(World.staffX(), conversation, "Forkert modtager");
        try (WsClient caseworker = WsClient.connect(World.staffX());
                WsClient citizen = WsClient.connect(World.citizenA());
                WsClient colleague = WsClient.connect(World.staffX2())) {
            colleague.send(Map.of("type", "retract", "id", "r-0", "conversationId", conversation, "messageId",
                    message));
            JsonNode refused = colleague.await("error");
            assertEquals("not-your-message", refused.path("code").asText());
            assertEquals("r-0", refused.path("ref").asText());

            caseworker.send(Map.of("type", "retract", "id", "r-1", "conversationId", conversation, "messageId",
                    message));
            // the answer carries the frame's ref (the conversation's broadcast copy reaches this socket too)
            JsonNode answer = caseworker.await(f -> "message-retracted".equals(f.path("type").asText())
                    && "r-1".equals(f.path("ref").asText()), "the answer to r-1");
            assertEquals(message, answer.path("messageId").asText());
            JsonNode live = citizen.await("message-retracted");
            assertEquals(message, live.path("messageId").asText());

            // a citizen may not correct; a staff member may not correct a retracted message
            citizen.send(Map.of("type", "correct", "id", "c-1", "conversationId", conversation, "messageId", message,
                    "body", "x", "reason", "y"));
            assertEquals("forbidden", citizen.await("error").path("code").asText());
            caseworker.send(Map.of("type", "correct", "id", "c-2", "conversationId", conversation, "messageId",
                    message, "body", "Ny tekst", "reason", "Fejl"));
            JsonNode error = caseworker.await("error");
            assertEquals("message-retracted", error.path("code").asText());
            assertEquals("c-2", error.path("ref").asText());
        }
        String read = send(World.staffX(), conversation, "Læst allerede");
        Api.as(World.citizenA()).body(Map.of("seq", 2)).post(RestChecks.conversation(conversation) + "/read").then()
                .statusCode(204);
        try (WsClient caseworker = WsClient.connect(World.staffX())) {
            caseworker.send(Map.of("type", "retract", "id", "r-2", "conversationId", conversation, "messageId", read));
            assertEquals("message-already-read", caseworker.await("error").path("code").asText());
        }
    }

    @Test
    void staffCorrectTheirOwnMessageWithAReasonAndTheCitizenSeesTheNewTextMarkedCorrected() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String message = send(World.staffX(), conversation, "Mødet er torsdag kl. 9.");
        Map<String, String> correction = Map.of("body", "Mødet er torsdag kl. 10.", "reason", "Forkert tidspunkt");
        try (WsClient citizen = WsClient.connect(World.citizenA());
                WsClient colleague = WsClient.connect(World.staffX2())) {
            JsonPath made = Api.as(World.staffX()).body(correction).put(correctionPath(conversation, message)).then()
                    .statusCode(200).body("body", equalTo("Mødet er torsdag kl. 10.")).body("correction.version",
                            equalTo(1))
                    .body("correction.reason", equalTo("Forkert tidspunkt"))
                    .body("correction.originalBody", equalTo("Mødet er torsdag kl. 9.")).extract().jsonPath();

            JsonNode toCitizen = citizen.await("message-corrected");
            assertEquals("Mødet er torsdag kl. 10.", toCitizen.path("message").path("body").asText());
            assertEquals(1, toCitizen.path("message").path("correction").path("version").asInt());
            assertFalse(toCitizen.path("message").path("correction").has("reason"), "the reason is for staff");
            assertFalse(toCitizen.path("message").path("correction").has("originalBody"));
            JsonNode toStaff = colleague.await("message-corrected");
            assertEquals("Forkert tidspunkt", toStaff.path("message").path("correction").path("reason").asText());

            // the same correction again: the same answer, no second correction, no second frame
            Api.as(World.staffX()).body(correction).put(correctionPath(conversation, message)).then().statusCode(200)
                    .body("correction.version", equalTo(1))
                    .body("correction.correctedAt", equalTo(made.getString("correction.correctedAt")));
            citizen.assertNoFrame("message-corrected", Duration.ofMillis(500));
        }
        JsonPath asCitizen = page(World.citizenA(), conversation);
        assertEquals("Mødet er torsdag kl. 10.", asCitizen.getString("items[0].body"));
        assertTrue(asCitizen.getString("items[0].correction.correctedAt") != null);
        assertNull(asCitizen.get("items[0].correction.reason"));
        assertNull(asCitizen.get("items[0].correction.originalBody"));
        JsonPath asStaff = page(World.staffX2(), conversation);
        assertEquals("Mødet er torsdag kl. 9.", asStaff.getString("items[0].correction.originalBody"));
        assertEquals("Forkert tidspunkt", asStaff.getString("items[0].correction.reason"));

        // a second correction is a new version; the first original stays the original
        Api.as(World.staffX()).body(Map.of("body", "Mødet er fredag kl. 10.", "reason", "Ny dag"))
                .put(correctionPath(conversation, message)).then().statusCode(200)
                .body("correction.version", equalTo(2))
                .body("correction.originalBody", equalTo("Mødet er torsdag kl. 9."));
        // one event per correction (the repeat made none); each says which correction, never its text
        List<LoggedEvent> logged = events(conversation, message, "corrected");
        assertEquals(List.of("{\"version\":1}", "{\"version\":2}"),
                logged.stream().map(e -> e.detail().toString()).toList());
    }

    @Test
    void onlyTheSendingStaffMemberCorrectsAndBadCorrectionsLoseNothing() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String staffMessage = send(World.staffX(), conversation, "Original");
        String citizenMessage = send(World.citizenA(), conversation, "Fra borgeren");
        Map<String, String> correction = Map.of("body", "Rettet", "reason", "Fejl");
        problem(Api.as(World.citizenA()).body(correction).put(correctionPath(conversation, citizenMessage)).then(),
                403, "forbidden");
        problem(Api.as(World.staffX2()).body(correction).put(correctionPath(conversation, staffMessage)).then(),
                403, "not-your-message");
        problem(Api.as(World.staffX()).body(correction).put(correctionPath(conversation, citizenMessage)).then(),
                403, "not-your-message");
        notFound(Api.as(World.staffY()).body(correction).put(correctionPath(conversation, staffMessage)).then());
        RestChecks.invalidField(Api.as(World.staffX()).body(Map.of("body", "Rettet"))
                .put(correctionPath(conversation, staffMessage)).then(), "reason");
        RestChecks.invalidField(Api.as(World.staffX()).body(Map.of("body", "Original", "reason", "ingen ændring"))
                .put(correctionPath(conversation, staffMessage)).then(), "body");
        problem(Api.as(World.staffX()).body(Map.of("body", " ", "reason", "tom"))
                .put(correctionPath(conversation, staffMessage)).then(), 400, "body-empty");
        assertEquals(0, events(conversation, staffMessage, "corrected").size()
                + RevisionEventProbe.taken(citizenMessage, "corrected").size());
        Api.as(World.staffX()).get(messages(conversation)).then().statusCode(200)
                .body("items[0].body", equalTo("Original")).body("items[0].correction", nullValue());
    }

    @Test
    void aRetractionOrCorrectionNotifiedByAnotherReplicaReachesThisReplicasSockets() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String citizenId = Api.as(World.citizenA()).get("/api/v1/me").then().extract().path("id");
        String message = send(World.staffX(), conversation, "Tidspunkt: kl. 9");
        // corrected (committed) before this socket connected: it learns of it only from the notification
        Api.as(World.staffX()).body(Map.of("body", "Tidspunkt: kl. 10", "reason", "Fejl i tiden"))
                .put(correctionPath(conversation, message)).then().statusCode(200);
        try (WsClient citizen = WsClient.connect(World.citizenA())) {
            notifyAsAnotherReplica(conversation, citizenId, """
                    "k":"message-corrected","au":"participants","f":{"messageId":"%s","seq":1,"version":1}"""
                    .formatted(message));
            JsonNode corrected = citizen.await("message-corrected");
            assertEquals("Tidspunkt: kl. 10", corrected.path("message").path("body").asText());
            assertFalse(corrected.path("message").path("correction").has("reason"));

            notifyAsAnotherReplica(conversation, citizenId,
                    """
                            "k":"message-retracted","au":"participants","f":{"messageId":"%s","seq":1,"retractedAt":"2026-12-03T10:00:00Z"}"""
                            .formatted(message));
            assertEquals(message, citizen.await("message-retracted").path("messageId").asText());
        }
    }

    /** The wire the publishing replica sends for a feature event (PgNotifyFanout's "x"). */
    private void notifyAsAnotherReplica(String conversation, String citizenId, String feature) {
        String payload = """
                {"o":"%s","e":[{"t":"x","tn":"00000000-0000-7000-8000-000000000001","u":"%s","ci":"%s","c":"%s",%s}]}"""
                .formatted(UUID.randomUUID(), World.UNIT_X, citizenId, conversation, feature);
        pool.preparedQuery("SELECT pg_notify('samtale_events', $1)").execute(Tuple.of(payload)).await().indefinitely();
    }
}
