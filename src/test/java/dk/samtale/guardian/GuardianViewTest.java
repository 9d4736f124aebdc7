package dk.samtale.guardian;

import static dk.samtale.guardian.Children.UNIT_K;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.TestClock;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * The guardian's view (issue 20): a guardian signed in with MitID sees and writes in the conversations a
 * caseworker opened with them as a party about their child, over REST and the socket; the child's own
 * conversation is never shown to a guardian, and the child does not see the conversation with its
 * guardians. Access ends at once when staff end the guardianship, and on the child's 18th birthday.
 */
@QuarkusTest
class GuardianViewTest {

    private static final Duration QUIET = Duration.ofMillis(700);

    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** A child of {@code age} with two registered guardians, and the three kinds of conversation about it. */
    record Family(String childCpr, String child, String guardianCpr, String guardianId,
            String otherGuardianCpr, String otherGuardianId, String withGuardians, String childsOwn,
            String guardianshipId) {

        String childToken() {
            return Children.citizen(childCpr, "Ella Eriksen");
        }

        String guardianToken() {
            return Children.citizen(guardianCpr, "Mette Eriksen");
        }

        String otherGuardianToken() {
            return Children.citizen(otherGuardianCpr, "Peter Eriksen");
        }
    }

    static Family family(int age, int daysAgo) {
        String staff = Children.staffK();
        String childCpr = Children.cprOfAge(age, daysAgo);
        String child = Children.lookUp(staff, childCpr);
        String guardianCpr = Children.cprOfAge(41, 11);
        String otherCpr = Children.cprOfAge(43, 12);
        String guardianship = register(staff, child, guardianCpr);
        register(staff, child, otherCpr);
        String guardianId = Children.lookUp(staff, guardianCpr);
        String otherId = Children.lookUp(staff, otherCpr);
        String withGuardians = Api.as(staff)
                .body(Map.of("unitId", UNIT_K, "citizenId", child, "subject", "Skolefravær", "parties", "guardians",
                        "guardianIds", List.of(guardianId)))
                .post("/api/v1/conversations").then().statusCode(201).body("parties", equalTo("guardians"))
                .body("guardianIds", equalTo(List.of(guardianId))).extract().path("id");
        String own = Api.as(staff)
                .body(Map.of("unitId", UNIT_K, "citizenId", child, "subject", "Rådgivning", "parties", "child"))
                .post("/api/v1/conversations").then().statusCode(201).body("parties", equalTo("child")).extract()
                .path("id");
        return new Family(childCpr, child, guardianCpr, guardianId, otherCpr, otherId, withGuardians, own,
                guardianship);
    }

    static String register(String staff, String child, String cpr) {
        return Api.as(staff).body(Map.of("cpr", cpr, "unitId", UNIT_K, "basis", "parental-authority"))
                .post("/api/v1/citizens/" + child + "/guardians").then().statusCode(201).extract().path("id");
    }

    @Test
    void aGuardianSeesAndWritesInTheConversationThatNamesThem() {
        Family f = family(10, 30);
        World.send(Children.staffK(), f.withGuardians(), "Vi vil gerne tale om Ellas fravær");
        String guardian = f.guardianToken();

        Api.as(guardian).get("/api/v1/conversations").then().statusCode(200)
                .body("items.id", hasItem(f.withGuardians()));
        Api.as(guardian).get("/api/v1/conversations/" + f.withGuardians()).then().statusCode(200)
                .body("parties", equalTo("guardians")).body("citizen.id", equalTo(f.child()));
        Api.as(guardian).get("/api/v1/conversations/" + f.withGuardians() + "/messages").then().statusCode(200)
                .body("items.body", hasItem("Vi vil gerne tale om Ellas fravær"));
        World.send(guardian, f.withGuardians(), "Tak, hun har været syg");
        // staff see who wrote: the guardian, not the child
        Api.as(Children.staffK()).get("/api/v1/conversations/" + f.withGuardians() + "/messages").then()
                .statusCode(200).body("items.find { it.body == 'Tak, hun har været syg' }.sender.id",
                        equalTo(f.guardianId()))
                .body("items.find { it.body == 'Tak, hun har været syg' }.sender.name", equalTo("Mette Eriksen"));
    }

    @Test
    void theChildsOwnConversationIsNeverShownToAGuardianOverRestOrSearch() {
        Family f = family(14, 2);
        World.send(Children.staffK(), f.childsOwn(), "Det du fortæller her, bliver mellem os");
        for (String guardian : List.of(f.guardianToken(), f.otherGuardianToken())) {
            Api.as(guardian).get("/api/v1/conversations").then().statusCode(200)
                    .body("items.id", not(hasItem(f.childsOwn())));
            Api.as(guardian).get("/api/v1/conversations?q=Rådgivning").then().statusCode(200)
                    .body("items.id", not(hasItem(f.childsOwn())));
            Api.as(guardian).get("/api/v1/conversations/" + f.childsOwn()).then().statusCode(404);
            Api.as(guardian).get("/api/v1/conversations/" + f.childsOwn() + "/messages").then().statusCode(404);
            Api.as(guardian).body(Children.message("hej")).post("/api/v1/conversations/" + f.childsOwn() + "/messages")
                    .then().statusCode(404);
            Api.as(guardian).body(Map.of("seq", 1)).post("/api/v1/conversations/" + f.childsOwn() + "/read").then()
                    .statusCode(404);
        }
        // the other guardian is not a party of the conversation with guardians either
        Api.as(f.otherGuardianToken()).get("/api/v1/conversations/" + f.withGuardians()).then().statusCode(404);
        // and the child sees its own conversation, but not the one with its guardians
        String child = f.childToken();
        Api.as(child).get("/api/v1/conversations").then().statusCode(200).body("items.id", hasItem(f.childsOwn()))
                .body("items.id", not(hasItem(f.withGuardians())));
        Api.as(child).get("/api/v1/conversations/" + f.withGuardians()).then().statusCode(404);
        Api.as(child).body(Children.message("hej")).post("/api/v1/conversations/" + f.withGuardians() + "/messages")
                .then().statusCode(404);
    }

    @Test
    void liveFramesReachTheGuardianOfTheirConversationAndNeverOfTheChildsOwn() {
        Family f = family(15, 5);
        try (WsClient guardian = WsClient.connect(f.guardianToken());
                WsClient child = WsClient.connect(f.childToken())) {
            World.send(Children.staffK(), f.withGuardians(), "Til forældrene");
            JsonNode frame = guardian.await("message");
            assertEquals(f.withGuardians(), frame.path("message").path("conversationId").asText());
            assertEquals("Til forældrene", frame.path("message").path("body").asText());

            World.send(Children.staffK(), f.childsOwn(), "Kun til dig");
            assertEquals("Kun til dig", child.await("message").path("message").path("body").asText());

            guardian.send(Map.of("type", "send", "id", "g1", "conversationId", f.withGuardians(), "clientMessageId",
                    UUID.randomUUID().toString(), "body", "Forstået"));
            assertEquals(2, guardian.await("ack").path("seq").asLong());
            guardian.send(Map.of("type", "send", "id", "g2", "conversationId", f.childsOwn(), "clientMessageId",
                    UUID.randomUUID().toString(), "body", "Må jeg læse med?"));
            JsonNode error = guardian.await("error");
            assertEquals("not-found", error.path("code").asText());
            guardian.send(Map.of("type", "resume", "id", "r1", "conversations",
                    List.of(Map.of("conversationId", f.childsOwn(), "afterSeq", 0))));
            assertEquals("not-found", guardian.await("error").path("code").asText());

            // nothing of the child's own reached the guardian; nothing of the guardians' reached the child
            guardian.assertNoFrame(QUIET, "message", "typing", "read");
            for (JsonNode seen : child.drain()) {
                assertEquals(false, f.withGuardians().equals(seen.path("message").path("conversationId").asText())
                        || f.withGuardians().equals(seen.path("conversationId").asText())
                        || f.withGuardians().equals(seen.path("conversation").path("id").asText()),
                        () -> "the child got a frame of the conversation with its guardians: " + seen);
            }
            guardian.assertContract();
            child.assertContract();
        }
    }

    @Test
    void aGuardianLosesAccessAtOnceWhenStaffEndTheGuardianship() {
        Family f = family(9, 9);
        String guardian = f.guardianToken();
        Api.as(guardian).get("/api/v1/conversations/" + f.withGuardians()).then().statusCode(200);
        Api.as(Children.staffK()).post("/api/v1/citizens/" + f.child() + "/guardians/" + f.guardianshipId() + "/end")
                .then().statusCode(200);
        Api.as(guardian).get("/api/v1/conversations/" + f.withGuardians()).then().statusCode(404);
        Api.as(guardian).body(Children.message("hej")).post("/api/v1/conversations/" + f.withGuardians() + "/messages")
                .then().statusCode(404);
        Api.as(Children.staffK()).get("/api/v1/conversations/" + f.withGuardians()).then().statusCode(200)
                .body("guardianIds", equalTo(List.of()));
    }

    @Test
    void aGuardianLosesAccessOnTheChildsEighteenthBirthday() {
        Family f = family(18, -1); // 18 tomorrow
        Api.as(f.guardianToken()).get("/api/v1/conversations/" + f.withGuardians()).then().statusCode(200);

        clock.advance(Duration.ofDays(2));
        String later = Tokens.citizenBuilder("testby", f.guardianCpr(), "Mette Eriksen", Tokens.SUBSTANTIAL)
                .expiresAt(clock.instant().plusSeconds(3600)).sign("citizen-testby", "citizen-testby");
        Api.as(later).get("/api/v1/conversations/" + f.withGuardians()).then().statusCode(404);
        Api.as(later).get("/api/v1/conversations").then().statusCode(200)
                .body("items.id", not(hasItem(f.withGuardians())));
    }

    @Test
    void onlyCurrentGuardiansCanBeMadePartiesAndAChildsOwnStaysItsOwn() {
        String staff = Children.staffK();
        String child = Children.lookUp(staff, Children.cprOfAge(12, 3));
        String stranger = Children.lookUp(staff, Children.cprOfAge(50, 3));
        Api.as(staff).body(Map.of("unitId", UNIT_K, "citizenId", child, "subject", "x", "parties", "guardians",
                "guardianIds", List.of(stranger))).post("/api/v1/conversations").then().statusCode(409)
                .body("code", equalTo("not-a-guardian"));
        Api.as(staff).body(Map.of("unitId", UNIT_K, "citizenId", child, "subject", "x", "parties", "guardians"))
                .post("/api/v1/conversations").then().statusCode(400).body("code", equalTo("invalid-field"));
        Api.as(staff).body(Map.of("unitId", UNIT_K, "citizenId", child, "subject", "x", "parties", "child",
                "guardianIds", List.of(stranger))).post("/api/v1/conversations").then().statusCode(400);
        Api.as(World.citizenA()).body(Map.of("unitId", UNIT_K, "subject", "x", "parties", "guardians"))
                .post("/api/v1/conversations").then().statusCode(400);

        Family f = family(13, 40);
        Api.as(staff).body(Map.of("childsOwn", true)).put("/api/v1/conversations/" + f.withGuardians() + "/childs-own")
                .then().statusCode(400).body("code", equalTo("invalid-field"));
        Api.as(staff).body(Map.of("policy", "sms"))
                .put("/api/v1/conversations/" + f.withGuardians() + "/channel-policy")
                .then().statusCode(400);
        String plain = Children.openWith(staff, UNIT_K, f.child());
        Api.as(staff).body(Map.of("childsOwn", true)).put("/api/v1/conversations/" + plain + "/childs-own").then()
                .statusCode(200).body("parties", equalTo("child"));
        Api.as(World.staffY()).body(Map.of("childsOwn", false)).put("/api/v1/conversations/" + plain + "/childs-own")
                .then().statusCode(404);
        // a conversation the child opens is the child's own
        Api.as(f.childToken()).body(Map.of("unitId", UNIT_K, "subject", "Jeg har brug for at snakke"))
                .post("/api/v1/conversations").then().statusCode(201).body("parties", equalTo("child"));
    }
}
