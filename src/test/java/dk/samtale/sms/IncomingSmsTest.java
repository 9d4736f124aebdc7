package dk.samtale.sms;

import static dk.samtale.sms.SmsFixture.conversation;
import static dk.samtale.sms.SmsFixture.incoming;
import static dk.samtale.sms.SmsFixture.sentTo;
import static dk.samtale.sms.SmsFixture.signature;
import static dk.samtale.sms.SmsFixture.smsState;
import static dk.samtale.sms.SmsFixture.staffSends;
import static dk.samtale.sms.SmsFixture.until;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.testing.Api;
import dk.samtale.testing.TestClock;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/** Incoming SMS and the webhooks' signature: routing, idempotency, unknown senders, STOP/START, 401s. */
@QuarkusTest
class IncomingSmsTest {

    static final String TESTBY = "4512340000";
    static final String ANDENBY = "4512340001";

    @Inject
    NoticeRelay relay;
    @Inject
    TestClock clock;
    @Inject
    Pool pool;

    @BeforeEach
    void anyHour() {
        SmsFixture.quietHours(pool, "00:00", "00:00");
        SmsFixture.gatewayAccepts();
    }

    @AfterEach
    void quietAgain() {
        SmsFixture.quietHours(pool, "21:00", "08:00");
    }

    private static long moId() {
        return ThreadLocalRandom.current().nextLong(1, 1L << 50);
    }

    private static Map<String, Object> mo(long id, String msisdn, String receiver, String text) {
        return Map.of("id", id, "msisdn", Long.parseLong(msisdn), "receiver", Long.parseLong(receiver), "message",
                text, "senttime", 1_700_000_000L, "webhook_label", "samtale");
    }

    /** Signed as GatewayAPI signs it: the body's fields are the token's claims. */
    private String signed(Map<String, Object> sms) {
        return signature(clock, sms);
    }

    private io.restassured.response.ValidatableResponse deliver(Map<String, Object> sms) {
        return incoming(signed(sms), sms);
    }

    private JsonPath messages(String token, String conversation) {
        return Api.as(token).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .extract().jsonPath();
    }

    private String inboundOutcome(long id) {
        var rows = pool.preparedQuery("SELECT outcome FROM sms_inbound WHERE gateway_id = $1").execute(Tuple.of(id))
                .await().atMost(Duration.ofSeconds(5));
        return rows.size() == 0 ? null : rows.iterator().next().getString("outcome");
    }

    @Test
    void anSmsBecomesAMessageOfTheCitizenInTheirSmsConversationOnce() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String appOnly = conversation(c, "app");
        String sms = conversation(c, "sms");
        SmsFixture.Citizen other = SmsFixture.citizenWithPhone();
        String othersConversation = conversation(other, "sms");
        long id = moId();

        deliver(mo(id, c.msisdn(), TESTBY, "Hej, jeg kommer i morgen")).statusCode(204);
        // the gateway delivers the same SMS again (new signature): no second message
        deliver(mo(id, c.msisdn(), TESTBY, "Hej, jeg kommer i morgen")).statusCode(204);

        JsonPath page = messages(World.staffX(), sms);
        assertEquals(1, page.getList("items").size());
        assertEquals("Hej, jeg kommer i morgen", page.getString("items[0].body"));
        assertEquals("sms", page.getString("items[0].channel"));
        assertEquals("citizen", page.getString("items[0].sender.kind"));
        assertEquals(c.id(), page.getString("items[0].sender.id"));
        assertEquals(c.name(), page.getString("items[0].sender.name"));
        assertTrue(messages(c.token(), appOnly).getList("items").isEmpty());
        assertTrue(messages(other.token(), othersConversation).getList("items").isEmpty());
        assertEquals("message", inboundOutcome(id));
        // its text is the message's now, under the conversation's key: no copy under the tenant key stays
        // behind to outlive the conversation's deletion in a backup (issue 16)
        assertTrue(pool.preparedQuery("SELECT body_enc IS NULL FROM sms_inbound WHERE gateway_id = $1")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(5)).iterator().next().getBoolean(0));
        // and it is journaled like any other message: the sequencer makes its signed, chained entry
        String messageId = page.getString("items[0].id");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        boolean journaled = false;
        while (!journaled && System.nanoTime() < deadline) {
            journaled = pool.preparedQuery("SELECT 1 FROM journal_entry WHERE message_id = $1")
                    .execute(Tuple.of(java.util.UUID.fromString(messageId))).await().atMost(Duration.ofSeconds(5))
                    .size() == 1;
            SmsFixture.sleep(100);
        }
        assertTrue(journaled, "the SMS message has a journal entry");
    }

    @Test
    void anSmsOnlyCitizenWhoNeverLoggedInTalksWithStaffBySms() {
        // staff know the citizen by CPR and a number they checked; the citizen never opens the app
        String cpr = dk.samtale.testing.People.adultCpr();
        String citizenId = Api.as(World.staffX()).body(Map.of("cpr", cpr)).post("/api/v1/citizens/lookup").then()
                .statusCode(200).extract().path("id");
        String msisdn = "4527" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        // the conversation first: only staff of a unit that talks with the citizen may set the number
        String conversation = Api.as(World.staffX())
                .body(Map.of("unitId", World.UNIT_X, "citizenId", citizenId, "subject", "Aftale om praktik"))
                .post("/api/v1/conversations").then().statusCode(201).extract().path("id");
        Api.as(World.staffX()).body(Map.of("phone", "+" + msisdn)).put(SmsFixture.phoneOf(citizenId)).then()
                .statusCode(200);
        Api.as(World.staffX()).body(Map.of("policy", "sms")).put("/api/v1/conversations/" + conversation
                + "/channel-policy").then().statusCode(200).body("channelPolicy", equalTo("sms"));

        String question = staffSends(conversation, "Kan du mødes tirsdag kl. 9?", true);
        until(relay, () -> "sent".equals(smsState(conversation, question)), "the question by SMS");
        assertEquals("Kan du mødes tirsdag kl. 9?", sentTo(msisdn).get(0).path("message").asText());

        long id = moId();
        deliver(mo(id, msisdn, TESTBY, "Ja, det passer fint")).statusCode(204);
        JsonPath page = messages(World.staffX(), conversation);
        assertEquals(2, page.getList("items").size());
        assertEquals("Ja, det passer fint", page.getString("items[1].body"));
        assertEquals(citizenId, page.getString("items[1].sender.id"));
        assertEquals("sms", page.getString("items[1].channel"));
    }

    @Test
    void aKnownCitizenWithoutAnOpenConversationGetsANewOneInTheDefaultUnit() {
        // a number is set by staff of a unit that talks with the citizen; that conversation is closed since
        SmsFixture.Citizen c = SmsFixture.citizenWithoutPhone();
        String earlier = World.openConversation(c.token(), World.UNIT_X);
        Api.as(World.staffX()).body(Map.of("phone", c.phone())).put(SmsFixture.phoneOf(c.id())).then()
                .statusCode(200);
        Api.as(World.staffX()).post("/api/v1/conversations/" + earlier + "/close").then().statusCode(200);
        long id = moId();
        deliver(mo(id, c.msisdn(), TESTBY, "Kan I ringe mig op?")).statusCode(204);
        List<Map<String, Object>> list = Api.as(c.token()).get("/api/v1/conversations").then().statusCode(200)
                .extract().jsonPath().getList("items");
        assertEquals(1, list.size());
        assertEquals(World.UNIT_X, ((Map<?, ?>) list.get(0).get("unit")).get("id"));
        assertEquals("sms", list.get(0).get("channelPolicy"));
        assertEquals(1L, ((Number) list.get(0).get("lastSeq")).longValue());
    }

    @Test
    void anUnknownSenderIsRecordedAndAnsweredAsTheTenantConfigured() {
        String stranger = "4529" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        long id = moId();
        deliver(mo(id, stranger, TESTBY, "Hvem er I?")).statusCode(204);
        assertEquals("unknown-sender", inboundOutcome(id));
        until(relay, () -> sentTo(stranger).size() == 1, "testby's auto-reply");
        assertEquals("Vi kender ikke dit nummer. Log ind i appen Samtale for at skrive til os.",
                sentTo(stranger).get(0).path("message").asText());

        // andenby has no auto-reply: recorded, never answered
        String another = "4528" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        long id2 = moId();
        deliver(mo(id2, another, ANDENBY, "Hallo")).statusCode(204);
        assertEquals("unknown-sender", inboundOutcome(id2));
        SmsFixture.passes(relay, 3);
        assertTrue(sentTo(another).isEmpty());

        // staff of the default unit see it (with number and text), others of the tenant do not
        List<Map<String, Object>> unmatched = Api.as(World.staffX()).get("/api/v1/sms/unmatched?limit=200").then()
                .statusCode(200).extract().jsonPath().getList("items");
        Map<String, Object> mine = unmatched.stream().filter(m -> ((Number) m.get("gatewayId")).longValue() == id)
                .findFirst().orElseThrow();
        assertEquals("+" + stranger, mine.get("phone"));
        assertEquals("Hvem er I?", mine.get("body"));
        assertEquals("unknown-sender", mine.get("outcome"));
        Api.as(World.staffY()).get("/api/v1/sms/unmatched").then().statusCode(403);
        Api.as(World.citizenA()).get("/api/v1/sms/unmatched").then().statusCode(403);
        // andenby's staff see andenby's only
        List<Map<String, Object>> theirs = Api.as(World.staffOfAndenby()).get("/api/v1/sms/unmatched?limit=200")
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertTrue(theirs.stream().noneMatch(m -> ((Number) m.get("gatewayId")).longValue() == id));
        assertTrue(theirs.stream().anyMatch(m -> ((Number) m.get("gatewayId")).longValue() == id2));

        // a number no tenant has: recorded (without content) and answered 2xx
        long id3 = moId();
        deliver(mo(id3, another, "4599999999", "Hallo")).statusCode(204);
        assertEquals("unknown-receiver", inboundOutcome(id3));
    }

    @Test
    void stopSwitchesSmsOffAndStartOnAgain() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "sms");
        long stop = moId();
        deliver(mo(stop, c.msisdn(), TESTBY, " stop ")).statusCode(204);
        assertEquals("opt-out", inboundOutcome(stop));
        Api.as(World.staffX()).get(SmsFixture.phoneOf(c.id())).then().body("optedOut", equalTo(true));
        assertTrue(messages(c.token(), conversation).getList("items").isEmpty(), "a keyword is not a message");

        String blocked = staffSends(conversation, "Efter STOP", false);
        until(relay, () -> "failed".equals(smsState(conversation, blocked)), "no SMS after STOP");
        assertTrue(sentTo(c.msisdn()).isEmpty());

        long start = moId();
        deliver(mo(start, c.msisdn(), TESTBY, "START")).statusCode(204);
        String allowed = staffSends(conversation, "Efter START", false);
        until(relay, () -> "sent".equals(smsState(conversation, allowed)), "SMS again after START");
    }

    @Test
    void forgedMissingStaleAndReplayedSignaturesAre401AndChangeNothing() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "sms");
        long id = moId();
        var sms = mo(id, c.msisdn(), TESTBY, "Falsk besked");

        incoming(null, sms).statusCode(401).body("code", equalTo("webhook-signature"));
        incoming(signature("not-the-shared-secret-but-long-enough!!", clock.instant(), Map.of("id", id)), sms)
                .statusCode(401);
        incoming(signature(dk.samtale.testing.SmsGatewayFake.WEBHOOK_SECRET,
                clock.instant().minus(Duration.ofMinutes(30)), Map.of("id", id)), sms).statusCode(401);
        String unsigned = Tokens.citizenBuilder("testby", "0101011111", "x", Tokens.SUBSTANTIAL).unsigned();
        incoming(unsigned, sms).statusCode(401);
        // a valid signature for another SMS cannot be moved onto this one
        incoming(signature(clock, Map.of("id", id + 1)), sms).statusCode(401);
        assertTrue(messages(c.token(), conversation).getList("items").isEmpty());
        assertEquals(null, inboundOutcome(id));

        String once = signed(sms);
        incoming(once, sms).statusCode(204);
        incoming(once, sms).statusCode(401);
        assertEquals(1, messages(c.token(), conversation).getList("items").size());

        // delivery reports are held to the same rule
        var report = SmsFixture.dlr(1, "00000000-0000-0000-0000-000000000000", "DELIVERED");
        String dlr = signature(clock, report);
        SmsFixture.deliveryReport(dlr, report).statusCode(204);
        SmsFixture.deliveryReport(dlr, report).statusCode(401);
        SmsFixture.deliveryReport((String) null, SmsFixture.dlr(1, "x", "DELIVERED")).statusCode(401);
    }

    @Test
    void aCapturedSignatureReEncodedOrPutOnAnotherBodyIsRefusedAndStoresNothing() {
        SmsFixture.Citizen c = SmsFixture.citizenWithPhone();
        String conversation = conversation(c, "sms");
        long id = moId();
        var genuine = mo(id, c.msisdn(), TESTBY, "Ægte besked");
        String captured = signed(genuine);
        deliver(genuine).statusCode(204);
        incoming(captured, genuine).statusCode(204); // a fresh signature of the gateway's redelivery...
        // ...but the captured one, within its window, re-encoded, carrying a forged body
        long forgedId = moId();
        var forged = mo(forgedId, c.msisdn(), TESTBY, "FORGED: ring til dette nummer");
        for (String variant : SmsFixture.reEncodings(captured)) {
            incoming(variant, genuine).statusCode(401).body("code", equalTo("webhook-signature"));
            incoming(variant, forged).statusCode(401).body("code", equalTo("webhook-signature"));
        }
        // the token binds every field of the body: id, number, receiver and text alike
        String fresh = signed(genuine);
        incoming(fresh, forged).statusCode(401);
        incoming(fresh, mo(id, c.msisdn(), TESTBY, "FORGED")).statusCode(401);
        incoming(signature(clock, Map.of("id", forgedId)), forged).statusCode(401);
        assertEquals(1, messages(c.token(), conversation).getList("items").size());
        assertEquals(null, inboundOutcome(forgedId));

        // delivery reports: a captured signature cannot rewrite a state
        var report = SmsFixture.dlr(7, "00000000-0000-0000-0000-000000000000", "DELIVERED");
        String dlr = signature(clock, report);
        SmsFixture.deliveryReport(dlr, report).statusCode(204);
        for (String variant : SmsFixture.reEncodings(dlr)) {
            SmsFixture.deliveryReport(variant, report).statusCode(401);
        }
        SmsFixture.deliveryReport(signature(clock, report),
                SmsFixture.dlr(7, "00000000-0000-0000-0000-000000000000", "UNDELIVERABLE")).statusCode(401);
    }
}
