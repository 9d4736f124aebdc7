package dk.samtale.push;

import static dk.samtale.push.PushTest.awaitSent;
import static dk.samtale.push.PushTest.message;
import static dk.samtale.push.PushTest.newPushToken;
import static dk.samtale.push.PushTest.register;
import static dk.samtale.push.PushTest.sentTo;
import static dk.samtale.push.PushTest.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.identity.Cpr;
import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * Pushes and children (issue 20), through the real Firebase Admin SDK to the fake FCM: a guardian's push
 * for the conversation with the guardians names neither the child nor the subject nor the text, and the
 * child gets no push of it; the child's own conversation pushes only to the child, never to a guardian.
 */
@QuarkusTest
class GuardianPushTest {

    private static final String CHILD_NAME = "Freja Frost";
    /** The test profile's grace period plus a margin for the relay's round and a send (as PushTest). */
    private static final Duration SETTLED_FOR_OTHERS = Duration.ofMillis(2500);

    @Test
    void aGuardiansPushNeverNamesTheChildAndTheChildsOwnNeverReachesAGuardian() {
        String staff = World.staffY();
        String childCpr = cprBornOn(LocalDate.now(Cpr.DENMARK).minusYears(14).minusDays(3));
        String guardianCpr = cprBornOn(LocalDate.now(Cpr.DENMARK).minusYears(40).minusDays(3));
        String child = Tokens.citizen("testby", childCpr, CHILD_NAME);
        String guardian = Tokens.citizen("testby", guardianCpr, "Frank Frost");
        String childId = lookUp(staff, childCpr);
        String guardianId = lookUp(staff, guardianCpr);
        Api.as(staff).body(Map.of("cpr", guardianCpr, "unitId", World.UNIT_Y)).post("/api/v1/citizens/" + childId
                + "/guardians").then().statusCode(201);
        String subject = "Bekymring om " + CHILD_NAME;
        String withGuardians = Api.as(staff).body(Map.of("unitId", World.UNIT_Y, "citizenId", childId, "subject",
                subject, "parties", "guardians", "guardianIds", List.of(guardianId))).post("/api/v1/conversations")
                .then().statusCode(201).extract().path("id");
        String own = Api.as(staff).body(Map.of("unitId", World.UNIT_Y, "citizenId", childId, "subject", "Snak",
                "parties", "child")).post("/api/v1/conversations").then().statusCode(201).extract().path("id");
        String guardianPush = newPushToken();
        String childPush = newPushToken();
        register(guardian, guardianPush, "android");
        register(child, childPush, "ios");

        String secret = "Freja har ikke været i skole " + UUID.randomUUID();
        World.send(staff, withGuardians, secret);
        String text = awaitSent(guardianPush, 1).get(0).getBodyAsString();
        for (String forbidden : List.of("Freja", "Frost", childCpr, secret, subject, childId)) {
            assertFalse(text.contains(forbidden), () -> "the guardian's push names the child: " + text);
        }
        assertEquals(withGuardians, message(sentTo(guardianPush).get(0)).path("data").path("conversationId").asText());

        World.send(staff, own, "Kun til dig " + UUID.randomUUID());
        awaitSent(childPush, 1);
        sleep(SETTLED_FOR_OTHERS);
        assertEquals(1, sentTo(guardianPush).size(), "the child's own conversation pushed to a guardian");
        assertEquals(1, sentTo(childPush).size(), "the conversation with the guardians pushed to the child");
        assertEquals(own, message(sentTo(childPush).get(0)).path("data").path("conversationId").asText());
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
