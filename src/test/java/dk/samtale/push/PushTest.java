package dk.samtale.push;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * Pushes end to end: a message commits, the relay sends through the real Firebase Admin SDK to the
 * local fake FCM ({@link FakeFcm}), and these tests read what FCM received. Each test uses its own
 * citizens and tokens, so what other tests send cannot disturb the counts.
 */
@QuarkusTest
class PushTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The test profile's grace period plus a margin for the relay's round and a send. */
    private static final Duration SETTLED = Duration.ofMillis(2500);

    @Inject
    Pool pool;

    @Inject
    PushRelay relay;

    private static WireMock fcm() {
        URI root = URI.create(ConfigProvider.getConfig().getValue("samtale.push.fcm-url", String.class));
        return new WireMock(root.getHost(), root.getPort());
    }

    static String newCpr() {
        return dk.samtale.testing.People.adultCpr();
    }

    static String newPushToken() {
        return "fake-fcm-" + UUID.randomUUID() + ":APA91b" + UUID.randomUUID().toString().replace("-", "");
    }

    static String register(String callerToken, String pushToken, String platform) {
        return Api.as(callerToken)
                .body(Map.of("token", pushToken, "platform", platform, "appVersion", "1.0.0", "locale", "da-DK"))
                .post("/api/v1/devices").then().statusCode(201).extract().path("id");
    }

    /** What FCM received for this token, oldest first. */
    static List<LoggedRequest> sentTo(String pushToken) {
        return fcm().find(postRequestedFor(urlPathEqualTo(FakeFcm.SEND_PATH))
                .withRequestBody(matchingJsonPath("$.message.token", equalTo(pushToken))));
    }

    static List<LoggedRequest> awaitSent(String pushToken, int n) {
        return await(() -> {
            List<LoggedRequest> sent = sentTo(pushToken);
            return sent.size() >= n ? sent : null;
        }, "FCM requests for the token: " + n);
    }

    static <T> T await(Supplier<T> probe, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            sleep(Duration.ofMillis(50));
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static JsonNode message(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString()).path("message");
        } catch (Exception e) {
            throw new AssertionError("FCM request is not JSON", e);
        }
    }

    private long pushDueRows(String conversationId) {
        return pool.preparedQuery("SELECT count(*) FROM push_due WHERE conversation_id = $1")
                .execute(Tuple.of(UUID.fromString(conversationId))).await().indefinitely().iterator().next()
                .getLong(0);
    }

    private static String fcmError(int status, String grpcStatus, String errorCode) {
        return """
                {"error": {"code": %d, "message": "fake", "status": "%s", "details": [
                  {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "%s"}]}}"""
                .formatted(status, grpcStatus, errorCode);
    }

    @Test
    void aBurstToAnOfflineCitizenBecomesExactlyOneContentFreePushWithCollapseKeyBadgeAndIds() throws Exception {
        String cpr = newCpr();
        String citizen = Tokens.citizen("testby", cpr, "Signe Sørensen");
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String pushToken = newPushToken();
        register(citizen, pushToken, "android");
        String secret = "Hemmelig besked " + UUID.randomUUID();

        // three messages within the grace period: one push, for the newest
        World.send(World.staffX(), conversation, secret + " 1");
        World.send(World.staffX(), conversation, secret + " 2");
        World.send(World.staffX(), conversation, secret + " 3");
        LoggedRequest request = awaitSent(pushToken, 1).get(0);
        sleep(SETTLED);
        assertEquals(1, sentTo(pushToken).size(), "exactly one FCM request for the burst");

        String body = request.getBodyAsString();
        for (String leak : List.of(secret, cpr, "Signe", "Sørensen", "Kirsten", "Kvist")) {
            assertFalse(body.contains(leak), "the push carries no message text, CPR or name: " + leak);
        }
        JsonNode m = message(request);
        assertEquals("Ny besked", m.path("notification").path("title").asText());
        // testby allows the unit's name in pushes (V1003__push.sql)
        assertEquals("Du har en ny besked fra Jobcenter – Team Ung", m.path("notification").path("body").asText());
        assertEquals(Map.of("conversationId", conversation, "seq", "3"),
                JSON.convertValue(m.path("data"), Map.class));
        JsonNode android = m.path("android");
        assertEquals(conversation, android.path("collapse_key").asText());
        assertEquals("high", android.path("priority").asText());
        assertEquals("86400s", android.path("ttl").asText());
        assertEquals(conversation, android.path("notification").path("tag").asText());
        assertEquals(3, android.path("notification").path("notification_count").asInt());
        JsonNode apns = m.path("apns");
        assertEquals(conversation, apns.path("headers").path("apns-collapse-id").asText());
        assertEquals("10", apns.path("headers").path("apns-priority").asText());
        assertEquals(3, apns.path("payload").path("aps").path("badge").asInt(), "badge = unread count");
        assertEquals(conversation, apns.path("payload").path("aps").path("thread-id").asText());
        assertEquals("Bearer fake-access-token", request.getHeader("Authorization"),
                "the SDK fetched an access token with the service account");
        assertEquals(0, pushDueRows(conversation), "the due push is settled");

        // reading lowers the badge of the next push
        Api.as(citizen).body(Map.of("seq", 3)).post("/api/v1/conversations/" + conversation + "/read").then()
                .statusCode(204);
        World.send(World.staffX(), conversation, secret + " 4");
        JsonNode next = message(awaitSent(pushToken, 2).get(1));
        assertEquals(1, next.path("apns").path("payload").path("aps").path("badge").asInt());
        assertEquals("4", next.path("data").path("seq").asText());
    }

    @Test
    void theCitizensOwnMessagesPushNothingToThemAndATenantWithoutConsentGetsTheGenericText() {
        String citizen = Tokens.citizen("andenby", newCpr(), "Ulla Uden");
        String conversation = World.openConversation(citizen, World.UNIT_Z);
        String pushToken = newPushToken();
        register(citizen, pushToken, "ios");
        World.send(citizen, conversation, "fra borgeren selv");
        sleep(SETTLED);
        assertEquals(0, sentTo(pushToken).size(), "no push for one's own message");

        World.send(World.staffOfAndenby(), conversation, "svar");
        JsonNode m = message(awaitSent(pushToken, 1).get(0));
        // andenby keeps the default: the push does not name the unit
        assertEquals("Du har en ny besked", m.path("notification").path("body").asText());
    }

    @Test
    void aRecipientWhoseDeviceConfirmedDeliveryOverTheSocketGetsNoPush() {
        String citizen = Tokens.citizen("testby", newCpr(), "Otto Online");
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String pushToken = newPushToken();
        register(citizen, pushToken, "android");
        try (WsClient socket = WsClient.connect(citizen)) {
            long seq = World.send(World.staffX(), conversation, "du er online");
            JsonNode frame = socket.await("message");
            socket.send(Map.of("type", "delivered", "id", "d1", "conversationId", conversation, "seq",
                    frame.path("message").path("seq").asLong(seq)));
            await(() -> pushDueRows(conversation) == 0, "the relay settles the push");
            sleep(Duration.ofMillis(300));
            assertEquals(0, sentTo(pushToken).size(), "an online recipient that confirmed delivery gets no push");
        }
        // offline now: the next message is pushed
        World.send(World.staffX(), conversation, "nu er du offline");
        assertEquals("2", message(awaitSent(pushToken, 1).get(0)).path("data").path("seq").asText());
    }

    @Test
    void anUnregisteredTokenIsRemovedAndGetsNoMorePushes() {
        String citizen = Tokens.citizen("testby", newCpr(), "Ulrik Uninstall");
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String pushToken = newPushToken();
        register(citizen, pushToken, "android");
        fcm().register(post(urlPathEqualTo(FakeFcm.SEND_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.message.token", equalTo(pushToken)))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody(fcmError(404, "NOT_FOUND", "UNREGISTERED"))));
        World.send(World.staffX(), conversation, "appen er slettet");
        awaitSent(pushToken, 1);
        await(() -> Api.as(citizen).get("/api/v1/devices").then().statusCode(200).extract()
                .jsonPath().getList("items").isEmpty(), "the device is removed");
        World.send(World.staffX(), conversation, "igen");
        sleep(SETTLED);
        assertEquals(1, sentTo(pushToken).size(), "a removed token gets nothing more");
        assertTrue(RestAssured.given().get("/q/metrics").asString()
                .contains("samtale_push_tokens_removed_total{reason=\"unregistered\"}"));
    }

    @Test
    void quotaExceededWithRetryAfterIsRetriedAfterTheDelay() {
        String citizen = Tokens.citizen("testby", newCpr(), "Rasmus Retry");
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String pushToken = newPushToken();
        register(citizen, pushToken, "android");
        String scenario = "quota-" + pushToken;
        fcm().register(post(urlPathEqualTo(FakeFcm.SEND_PATH)).atPriority(1).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("slowed")
                .withRequestBody(matchingJsonPath("$.message.token", equalTo(pushToken)))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                        .withHeader("Content-Type", "application/json")
                        .withBody(fcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"))));
        World.send(World.staffX(), conversation, "for mange");
        List<LoggedRequest> both = awaitSent(pushToken, 2);
        long waited = both.get(1).getLoggedDate().getTime() - both.get(0).getLoggedDate().getTime();
        assertTrue(waited >= 2000, "the retry waited for Retry-After (2 s), not " + waited + " ms");
        assertTrue(waited < 6000, "and not much longer: " + waited + " ms");
        await(() -> pushDueRows(conversation) == 0, "the push is settled after the retry succeeded");
        sleep(SETTLED);
        assertEquals(2, sentTo(pushToken).size());
    }

    @Test
    void aPushThatKeepsFailingIsRecordedAsFailedAndNotRetriedForever() {
        String citizen = Tokens.citizen("testby", newCpr(), "Freja Fejl");
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String pushToken = newPushToken();
        register(citizen, pushToken, "android");
        fcm().register(post(urlPathEqualTo(FakeFcm.SEND_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.message.token", equalTo(pushToken)))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody(fcmError(500, "INTERNAL", "INTERNAL"))));
        World.send(World.staffX(), conversation, "det går galt");
        var failure = await(() -> {
            var rows = pool.preparedQuery("SELECT reason, attempts, seq FROM push_failure WHERE conversation_id = $1")
                    .execute(Tuple.of(UUID.fromString(conversation))).await().indefinitely();
            return rows.size() == 0 ? null : rows.iterator().next();
        }, "a recorded failure");
        assertEquals("internal", failure.getString("reason"));
        assertEquals(3, failure.getInteger("attempts"), "max-attempts is 3 in the test profile");
        assertEquals(1L, failure.getLong("seq"));
        assertEquals(0, pushDueRows(conversation));
        sleep(SETTLED);
        assertEquals(3, sentTo(pushToken).size(), "three attempts, then no more");
        // the device stays: the token was not refused, FCM was
        assertEquals(1, Api.as(citizen).get("/api/v1/devices").then().statusCode(200).extract().jsonPath()
                .getList("items").size());
    }

    @Test
    void aPushDueWhenTheRelayWasDownIsSentWhenItStartsAgain() {
        String citizen = Tokens.citizen("testby", newCpr(), "Carla Crash");
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String pushToken = newPushToken();
        register(citizen, pushToken, "android");
        relay.stop(); // as if the replica died right after the commit: nothing of the push is in memory
        try {
            World.send(World.staffX(), conversation, "mens relayet var nede");
            sleep(SETTLED);
            assertEquals(0, sentTo(pushToken).size(), "nothing can be sent while no relay runs");
            assertEquals(1, pushDueRows(conversation), "the due push was written by push's consumer of the event log");
        } finally {
            relay.start();
        }
        JsonNode m = message(awaitSent(pushToken, 1).get(0));
        assertEquals("1", m.path("data").path("seq").asText());
        sleep(SETTLED);
        assertEquals(1, sentTo(pushToken).size());
    }

    @Test
    void aCitizensMessagePushesToTheDevicesOfTheUnitsStaff() {
        String staff = Tokens.staff("testby", "push-" + UUID.randomUUID(), "Pia Push", "unit-y");
        String staffPushToken = newPushToken();
        String device = register(staff, staffPushToken, "web");
        try {
            String citizen = Tokens.citizen("testby", newCpr(), "Bent Borger");
            String conversation = World.openConversation(citizen, World.UNIT_Y);
            World.send(citizen, conversation, "hjælp mig");
            JsonNode m = message(awaitSent(staffPushToken, 1).get(0));
            assertEquals("Du har en ny besked fra en borger", m.path("notification").path("body").asText());
            assertEquals(conversation, m.path("data").path("conversationId").asText());
            assertNotNull(m.path("webpush").path("headers").path("Topic").asText(null));
            // a staff member's own message pushes nothing to staff
            World.send(World.staffY(), conversation, "svar fra en kollega");
            sleep(SETTLED);
            assertEquals(1, sentTo(staffPushToken).size());
        } finally {
            Api.as(staff).delete("/api/v1/devices/" + device).then().statusCode(204);
        }
    }

    @Test
    void healthAndMetricsSayPushIsEnabled() {
        Api.anonymous().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'push' }.status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.find { it.name == 'push' }.data.status", org.hamcrest.Matchers.equalTo("enabled"));
        assertTrue(RestAssured.given().get("/q/metrics").asString().contains("samtale_push_enabled 1.0"));
    }

    @Test
    void aMessageWithAFileIsAnnouncedWithoutItsFileNameOrText() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dk.samtale.testing.Clamd.shared() != null,
                "!!! clamd cannot be had here: " + dk.samtale.testing.Clamd.whyUnavailable());
        String citizen = dk.samtale.testing.Tokens.citizen("testby", newCpr(), "Fie Fil");
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String push = newPushToken();
        register(citizen, push, "android");
        String file = Api.as(World.staffX()).contentType("application/pdf")
                .header("Content-Disposition", "attachment; filename*=UTF-8''Afgoerelse%20om%20hjaelp.pdf")
                .body(dk.samtale.attachment.TestFiles.pdfWithJavaScript())
                .post("/api/v1/conversations/{c}/attachments", conversation).then().statusCode(201).extract()
                .path("id");
        Api.as(World.staffX()).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", "Se brevet her",
                "attachmentIds", List.of(file))).post("/api/v1/conversations/{c}/messages", conversation).then()
                .statusCode(201);
        String sent = awaitSent(push, 1).get(0).getBodyAsString();
        assertFalse(sent.contains("Afgoerelse") || sent.contains("hjaelp"), "no file name in a push: " + sent);
        assertFalse(sent.contains("Se brevet"), "no text in a push: " + sent);
    }
}
