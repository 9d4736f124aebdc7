package dk.samtale.sms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dk.samtale.sms.SmsFixture.conversation;
import static dk.samtale.sms.SmsFixture.gateway;
import static dk.samtale.sms.SmsFixture.phoneOf;
import static dk.samtale.sms.SmsFixture.sentTo;
import static dk.samtale.sms.SmsFixture.smsState;
import static dk.samtale.sms.SmsFixture.staffSends;
import static dk.samtale.sms.SmsFixture.until;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.People;
import dk.samtale.testing.SmsGatewayFake;
import dk.samtale.testing.TestClock;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/** SMS out through the (fake) gateway: notices, opted-in text, retries, delivery reports, access. */
@QuarkusTest
class SmsNoticeTest {

    @Inject
    NoticeRelay relay;
    @Inject
    TestClock clock;
    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @BeforeEach
    void anyHour() {
        // SMS never leave in quiet hours: off here, so this runs whenever the suite runs (EscalationTest
        // moves the clock instead; the sockets here would close at once if their tokens looked expired)
        SmsFixture.quietHours(pool, "00:00", "00:00");
        SmsFixture.gatewayAccepts();
    }

    @AfterEach
    void quietAgain() {
        SmsFixture.quietHours(pool, "21:00", "08:00");
    }

    @Test
    void aNoticeNamesTheUnitAndCarriesNoBodyNameCprOrNumber() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "sms");
        String body = "Din ansøgning om kontanthjælp er afgjort " + UUID.randomUUID();
        try (WsClient staff = WsClient.connect(World.staffX()); WsClient citizen = WsClient.connect(c.token())) {
            String messageId = staffSends(conversation, body, false);

            until(relay, () -> sentTo(c.msisdn()).size() == 1, "one SMS to the citizen");
            JsonNode sms = sentTo(c.msisdn()).get(0);
            String text = sms.path("message").asText();
            assertEquals("Du har en ny besked fra Jobcenter - Team Ung. Log ind i appen for at læse den.", text);
            for (String secret : List.of(body, "kontanthjælp", c.name(), c.cpr(), c.msisdn(), c.phone())) {
                assertFalse(text.contains(secret), "the notice contains personal data or the body");
            }
            assertEquals("Testby", sms.path("sender").asText());
            assertEquals("https://samtale.test/api/v1/sms/gatewayapi/delivery-reports",
                    sms.path("callback_url").asText());
            UUID.fromString(sms.path("userref").asText());
            gateway().verify(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/rest/mtsms"))
                    .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock
                            .equalTo("Token " + SmsGatewayFake.TOKEN)));

            // staff see where the SMS is; the citizen never does
            // (a queued frame comes first, when SMS takes the message from the event log)
            JsonNode frame = staff.await(f -> "sms-state".equals(f.path("type").asText())
                    && messageId.equals(f.path("messageId").asText()) && "sent".equals(f.path("state").asText()),
                    "sms-state sent");
            assertEquals("sent", frame.path("state").asText());
            assertEquals("sent", smsState(conversation, messageId));
            var mine = SmsFixture.message(c.token(), conversation, messageId);
            assertNull(mine.get("smsState"));
            assertEquals(false, mine.getBoolean("smsAllowed"));
            citizen.assertNoFrame("sms-state", Duration.ofMillis(300));
        }
    }

    @Test
    void aMessageMarkedNotSensitiveGoesWithItsText() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "sms");
        String body = "Husk mødet på torsdag kl. 10 – mvh Kirsten";
        String messageId = staffSends(conversation, body, true);

        until(relay, () -> sentTo(c.msisdn()).size() == 1, "the text by SMS");
        JsonNode sms = sentTo(c.msisdn()).get(0);
        assertEquals(body, sms.path("message").asText());
        // the en dash is not GSM 03.38: the text goes as UCS-2
        assertEquals("UCS2", sms.path("encoding").asText());
        assertTrue(SmsFixture.message(World.staffX(), conversation, messageId).getBoolean("smsAllowed"));
    }

    @Test
    void citizensCannotMarkTheirMessagesForSms() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "sms");
        Api.as(c.token()).body(Map.of("clientMessageId", "c-1", "body", "hej", "smsAllowed", true))
                .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(400)
                .body("code", equalTo("invalid-field")).body("errors[0].field", equalTo("smsAllowed"));
    }

    @Test
    void theSocketSendFrameCarriesSmsAllowedForStaffOnly() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "sms");
        try (WsClient staff = WsClient.connect(World.staffX()); WsClient citizen = WsClient.connect(c.token())) {
            staff.send(Map.of("type", "send", "id", "s1", "conversationId", conversation, "clientMessageId",
                    "ws-" + UUID.randomUUID(), "body", "Vi ses kl. 10", "smsAllowed", true));
            String messageId = staff.await("ack").path("messageId").asText();
            JsonNode seen = citizen.await("message").path("message");
            assertEquals(messageId, seen.path("id").asText());
            assertTrue(seen.path("smsAllowed").asBoolean());
            assertTrue(seen.path("smsState").isNull(), "citizens never see SMS state");
            until(relay, () -> sentTo(c.msisdn()).size() == 1, "the text by SMS");
            assertEquals("Vi ses kl. 10", sentTo(c.msisdn()).get(0).path("message").asText());

            citizen.send(Map.of("type", "send", "id", "c1", "conversationId", conversation, "clientMessageId",
                    "ws-" + UUID.randomUUID(), "body", "Ok", "smsAllowed", true));
            JsonNode error = citizen.await("error");
            assertEquals("invalid-field", error.path("code").asText());
            assertEquals("c1", error.path("ref").asText());
        }
    }

    @Test
    void smsStateFromAnotherReplicaReachesStaffSocketsOnly() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "sms");
        String messageId = UUID.randomUUID().toString();
        try (WsClient staff = WsClient.connect(World.staffX()); WsClient citizen = WsClient.connect(c.token())) {
            // what PgNotifyFanout of another replica sends when a delivery report arrives there
            String payload = """
                    {"o":"%s","e":[{"t":"x","tn":"00000000-0000-7000-8000-000000000001","u":"%s","ci":"%s","c":"%s","k":"sms-state","au":"staff","f":{"messageId":"%s","seq":7,"state":"delivered"}}]}"""
                    .formatted(UUID.randomUUID(), World.UNIT_X, c.id(), conversation, messageId);
            pool.preparedQuery("SELECT pg_notify('samtale_events', $1)")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(payload)).await().indefinitely();
            JsonNode frame = staff.await("sms-state");
            assertEquals(messageId, frame.path("messageId").asText());
            assertEquals(conversation, frame.path("conversationId").asText());
            assertEquals(7, frame.path("seq").asLong());
            assertEquals("delivered", frame.path("state").asText());
            citizen.assertNoFrame("sms-state", Duration.ofMillis(500));
        }
    }

    @Test
    void appOnlyConversationsSendNoSms() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "app");
        String messageId = staffSends(conversation, "Kun i appen", true);
        SmsFixture.passes(relay, 3);
        assertTrue(sentTo(c.msisdn()).isEmpty());
        assertNull(smsState(conversation, messageId));
        Api.as(World.staffX()).get("/api/v1/conversations/" + conversation).then().statusCode(200)
                .body("channelPolicy", equalTo("app"));
    }

    @Test
    void smsPoliciesNeedAVerifiedNumber() {
        SmsFixture.Citizen c = SmsFixture.citizenWithoutPhone();
        String conversation = World.openConversation(c.token(), World.UNIT_X);
        Api.as(World.staffX()).body(Map.of("policy", "sms")).put("/api/v1/conversations/" + conversation
                + "/channel-policy").then().statusCode(409).body("code", equalTo("no-verified-phone"));
        Api.as(World.staffX()).body(Map.of("policy", "by-pigeon")).put("/api/v1/conversations/" + conversation
                + "/channel-policy").then().statusCode(400).body("code", equalTo("invalid-field"));
        Api.as(World.staffX()).body(Map.of("phone", "12")).put(SmsFixture.phoneOf(c.id())).then().statusCode(400)
                .body("code", equalTo("invalid-field"));
        Api.as(World.staffX()).get(SmsFixture.phoneOf(c.id())).then().statusCode(200).body("verified", equalTo(false));
    }

    @Test
    void onlyStaffOfTheUnitAndTenantSetPoliciesAndNumbers() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = World.openConversation(c.token(), World.UNIT_X);
        String path = "/api/v1/conversations/" + conversation + "/channel-policy";
        Map<String, String> sms = Map.of("policy", "sms");
        Api.as(World.staffY()).body(sms).put(path).then().statusCode(404);
        Api.as(World.staffOfAndenby()).body(sms).put(path).then().statusCode(404);
        Api.as(c.token()).body(sms).put(path).then().statusCode(403);
        Api.anonymous().body(sms).put(path).then().statusCode(401);
        Api.as(World.staffOfAndenby()).body(Map.of("phone", "+4522334455")).put(SmsFixture.phoneOf(c.id())).then()
                .statusCode(404);
        Api.as(World.staffOfAndenby()).get(SmsFixture.phoneOf(c.id())).then().statusCode(404);
        Api.as(World.staffOfAndenby()).delete(SmsFixture.phoneOf(c.id())).then().statusCode(404);
        Api.as(c.token()).body(Map.of("phone", "+4522334455")).put(SmsFixture.phoneOf(c.id())).then().statusCode(403);
        Api.as(World.staffX()).get(SmsFixture.phoneOf(c.id())).then().statusCode(200).body("verified", equalTo(true));
        // a number belongs to one citizen of a tenant
        SmsFixture.Citizen other = SmsFixture.citizenWithoutPhone();
        World.openConversation(other.token(), World.UNIT_X);
        Api.as(World.staffX()).body(Map.of("phone", c.phone())).put(SmsFixture.phoneOf(other.id())).then()
                .statusCode(409).body("code", equalTo("phone-in-use"));
    }

    @Test
    void gatewayServerErrorsAreRetriedAndTheSmsIsSentOnce() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String scenario = "flaky-" + c.msisdn();
        var mine = post(urlEqualTo("/rest/mtsms")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.recipients[0].msisdn", WireMock.equalTo(c.msisdn())));
        gateway().stubFor(mine.inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("second"));
        gateway().stubFor(post(urlEqualTo("/rest/mtsms")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.recipients[0].msisdn", WireMock.equalTo(c.msisdn())))
                .inScenario(scenario).whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        gateway().stubFor(post(urlEqualTo("/rest/mtsms")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.recipients[0].msisdn", WireMock.equalTo(c.msisdn())))
                .inScenario(scenario).whenScenarioStateIs("up").willReturn(okJson("{\"ids\":[777001]}")));
        String conversation = conversation(c, "sms");
        String messageId = staffSends(conversation, "Prøv igen", false);

        until(relay, () -> "sent".equals(smsState(conversation, messageId)), "sent after two gateway errors");
        SmsFixture.passes(relay, 5);
        List<JsonNode> attempts = sentTo(c.msisdn());
        assertEquals(3, attempts.size(), "two refused attempts and one accepted, nothing after");
        assertEquals(1, attempts.stream().map(a -> a.path("userref").asText()).distinct().count(),
                "every attempt is the same notice");
    }

    @Test
    void deliveryReportsOutOfOrderAndRepeatedEndInTheFinalState() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "sms");
        String messageId = staffSends(conversation, "Status", false);
        until(relay, () -> "sent".equals(smsState(conversation, messageId)), "sent");
        String userref = sentTo(c.msisdn()).get(0).path("userref").asText();

        for (String status : List.of("BUFFERED", "DELIVERED", "ENROUTE", "DELIVERED", "UNDELIVERABLE", "ACCEPTED")) {
            SmsFixture.deliveryReport(clock, SmsFixture.dlr(42, userref, status))
                    .statusCode(204);
        }
        assertEquals("delivered", smsState(conversation, messageId));

        // a report for something that is not ours is answered too (the gateway must stop retrying)
        SmsFixture.deliveryReport(clock, SmsFixture.dlr(43, "not-ours", "DELIVERED"))
                .statusCode(204);
    }

    @Test
    void aFailureReportAfterTransientOnesMakesTheSmsFailed() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "sms");
        String messageId = staffSends(conversation, "Status", false);
        until(relay, () -> "sent".equals(smsState(conversation, messageId)), "sent");
        String userref = sentTo(c.msisdn()).get(0).path("userref").asText();
        try (WsClient staff = WsClient.connect(World.staffX())) {
            for (String status : List.of("ENROUTE", "EXPIRED", "DELIVERED")) {
                SmsFixture.deliveryReport(clock, SmsFixture.dlr(44, userref, status))
                        .statusCode(204);
            }
            JsonNode frame = staff.await(f -> "sms-state".equals(f.path("type").asText())
                    && messageId.equals(f.path("messageId").asText()), "sms-state");
            assertEquals("failed", frame.path("state").asText());
        }
        assertEquals("failed", smsState(conversation, messageId));
    }

    /**
     * Children (issue 20): the child's own conversation sends its notices to the child's number only, never
     * to a guardian's; a conversation with the child's guardians is app only (an SMS there would go to the
     * child's number), so it sends none to anybody.
     */
    @Test
    void theChildsOwnNoticesGoToTheChildOnlyAndTheGuardiansConversationSendsNone() {
        String staff = World.staffX();
        String childCpr = People.cprOfAge(15, 20);
        String guardianCpr = People.cprOfAge(44, 20);
        String childId = People.lookUp(staff, childCpr);
        String guardianId = People.lookUp(staff, guardianCpr);
        Api.as(staff).body(Map.of("cpr", guardianCpr, "unitId", World.UNIT_X)).post("/api/v1/citizens/" + childId
                + "/guardians").then().statusCode(201);
        String own = open(staff, Map.of("unitId", World.UNIT_X, "citizenId", childId, "subject", "Rådgivning",
                "parties", "child"));
        String withGuardians = open(staff, Map.of("unitId", World.UNIT_X, "citizenId", childId, "subject",
                "Familiesamtale", "parties", "guardians", "guardianIds", List.of(guardianId)));
        // the guardian also talks with the unit on their own behalf, so staff may set their number too
        open(staff, Map.of("unitId", World.UNIT_X, "citizenId", guardianId, "subject", "Egen sag"));
        String childPhone = "+452" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
        String guardianPhone = "+453" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
        Api.as(staff).body(Map.of("phone", childPhone)).put(phoneOf(childId)).then().statusCode(200);
        Api.as(staff).body(Map.of("phone", guardianPhone)).put(phoneOf(guardianId)).then().statusCode(200);
        Api.as(staff).body(Map.of("policy", "sms")).put("/api/v1/conversations/" + own + "/channel-policy").then()
                .statusCode(200);
        Api.as(staff).body(Map.of("policy", "sms")).put("/api/v1/conversations/" + withGuardians + "/channel-policy")
                .then().statusCode(400).body("code", equalTo("invalid-field"));

        staffSends(withGuardians, "Til forældrene " + UUID.randomUUID(), false);
        staffSends(own, "Kun til dig " + UUID.randomUUID(), false);
        until(relay, () -> sentTo(childPhone.substring(1)).size() == 1, "the child's own notice");
        String text = sentTo(childPhone.substring(1)).get(0).path("message").asText();
        assertFalse(text.contains(childCpr), text);
        SmsFixture.passes(relay, 5);
        assertEquals(1, sentTo(childPhone.substring(1)).size(), "the conversation with the guardians sent an SMS");
        assertEquals(0, sentTo(guardianPhone.substring(1)).size(), "an SMS reached a guardian");
    }

    private static String open(String staff, Map<String, Object> body) {
        return Api.as(staff).body(body).post("/api/v1/conversations").then().statusCode(201).extract().path("id");
    }
}
