package dk.samtale.sms;

import static dk.samtale.sms.SmsFixture.phoneOf;
import static dk.samtale.sms.SmsFixture.sentTo;
import static dk.samtale.sms.SmsFixture.staffSends;
import static dk.samtale.sms.SmsFixture.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.identity.Cpr;
import dk.samtale.testing.Api;
import dk.samtale.testing.World;

/**
 * SMS and children (issue 20), through the fake GatewayAPI: the child's own conversation sends its notices
 * to the child's number only, never to a guardian's; a conversation with the child's guardians is app only
 * (an SMS there would go to the child's number), so it sends none to anybody.
 */
@QuarkusTest
class GuardianSmsTest {

    @Inject
    NoticeRelay relay;
    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @BeforeEach
    void anyHour() {
        SmsFixture.quietHours(pool, "00:00", "00:00");
        SmsFixture.gatewayAccepts();
    }

    @AfterEach
    void quietAgain() {
        SmsFixture.quietHours(pool, "21:00", "08:00");
    }

    @Test
    void theChildsOwnNoticesGoToTheChildOnlyAndTheGuardiansConversationSendsNone() {
        String staff = World.staffX();
        String childCpr = cprBornOn(LocalDate.now(Cpr.DENMARK).minusYears(15).minusDays(20));
        String guardianCpr = cprBornOn(LocalDate.now(Cpr.DENMARK).minusYears(44).minusDays(20));
        String childId = lookUp(staff, childCpr);
        String guardianId = lookUp(staff, guardianCpr);
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
                .then().statusCode(400).body("code", org.hamcrest.Matchers.equalTo("invalid-field"));

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

    private static String lookUp(String staff, String cpr) {
        return Api.as(staff).body(Map.of("cpr", cpr)).post("/api/v1/citizens/lookup").then().statusCode(200)
                .extract().path("id");
    }

    private static String cprBornOn(LocalDate born) {
        return born.format(DateTimeFormatter.ofPattern("ddMMyy")) + (born.getYear() >= 2000 ? '4' : '0')
                + String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
    }
}
