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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.People;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * Pushes and children (issue 20), through the real Firebase Admin SDK to the fake FCM: a guardian's push
 * for the conversation with the guardians names neither the child nor the subject nor the text, and the
 * child gets no push of it; the child's own conversation pushes only to the child, never to a guardian.
 */
@QuarkusTest
class GuardianPushTest {

    private static final String CHILD_NAME = "Tilde Tøxen";
    /** The test profile's grace period plus a margin for the relay's round and a send (as PushTest). */
    private static final Duration SETTLED_FOR_OTHERS = Duration.ofMillis(2500);

    @Test
    void aGuardiansPushNeverNamesTheChildAndTheChildsOwnNeverReachesAGuardian() {
        String staff = World.staffY();
        String childCpr = People.cprOfAge(14, 3);
        String guardianCpr = People.cprOfAge(40, 3);
        String child = Tokens.citizen("testby", childCpr, CHILD_NAME);
        String guardian = Tokens.citizen("testby", guardianCpr, "Torben Tøxen");
        String childId = People.lookUp(staff, childCpr);
        String guardianId = People.lookUp(staff, guardianCpr);
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

        String secret = "Tilde har ikke været i skole " + UUID.randomUUID();
        World.send(staff, withGuardians, secret);
        String text = awaitSent(guardianPush, 1).get(0).getBodyAsString();
        for (String forbidden : List.of("Tilde", "Tøxen", childCpr, secret, subject, childId)) {
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
}
