package dk.samtale.guardian;

import static dk.samtale.guardian.Children.UNIT_K;
import static dk.samtale.guardian.Children.UNIT_Q;
import static dk.samtale.guardian.Children.UNIT_R;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * A unit's rules for children on their own (issue 20): the age comes from the CPR number in the verified
 * token, evaluated at each access; below the unit's minimum age a child gets {@code child-below-minimum-age}
 * for the unit's conversations, and where children may only read, a child's send is
 * {@code child-may-not-write} — over REST and on the socket alike. Adults are not touched by either rule.
 */
@QuarkusTest
class ChildAccessTest {

    @Test
    void aChildBelowTheUnitsMinimumAgeNeitherSeesNorWritesItsConversations() {
        String cpr = Children.cprOfAge(12, 100);
        String child = Children.citizen(cpr, "Ida Iversen");
        String conversation = Children.openWith(Children.staffK(), UNIT_K, Children.lookUp(Children.staffK(), cpr));

        Api.as(child).get("/api/v1/conversations/" + conversation).then().statusCode(403)
                .body("code", equalTo("child-below-minimum-age"));
        Api.as(child).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(403)
                .body("code", equalTo("child-below-minimum-age"));
        Api.as(child).body(Children.message("hej")).post("/api/v1/conversations/" + conversation + "/messages").then()
                .statusCode(403).body("code", equalTo("child-below-minimum-age"));
        Api.as(child).get("/api/v1/conversations").then().statusCode(200).body("items.id", not(hasItem(conversation)));
        Api.as(child).body(Map.of("unitId", UNIT_K, "subject", "Hjælp")).post("/api/v1/conversations").then()
                .statusCode(403).body("code", equalTo("child-below-minimum-age"));
        // the unit's staff see the conversation as ever
        Api.as(Children.staffK()).get("/api/v1/conversations/" + conversation).then().statusCode(200);
    }

    @Test
    void aChildOfTheMinimumAgeUsesTheUnitOnTheirOwn() {
        String cpr = Children.cprOfAge(13, 0); // 13 today
        String child = Children.citizen(cpr, "Jonas Juhl");
        String conversation = Children.openWith(Children.staffK(), UNIT_K, Children.lookUp(Children.staffK(), cpr));

        Api.as(child).get("/api/v1/conversations").then().statusCode(200).body("items.id", hasItem(conversation));
        World.send(child, conversation, "Hej, jeg vil gerne snakke");
        World.openConversation(child, UNIT_K);
    }

    @Test
    void whereChildrenMayOnlyReadAChildReadsButCannotWriteOrOpen() {
        String cpr = Children.cprOfAge(14, 3);
        String child = Children.citizen(cpr, "Karla Kjær");
        String conversation = Children.openWith(Children.staffK(), UNIT_R, Children.lookUp(Children.staffK(), cpr));
        World.send(Children.staffK(), conversation, "Husk sundhedssamtalen på torsdag");

        Api.as(child).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .body("items.body", hasItem("Husk sundhedssamtalen på torsdag"));
        Api.as(child).body(Children.message("ok")).post("/api/v1/conversations/" + conversation + "/messages").then()
                .statusCode(403).body("code", equalTo("child-may-not-write"));
        Api.as(child).body(Map.of("unitId", UNIT_R, "subject", "Spørgsmål")).post("/api/v1/conversations").then()
                .statusCode(403).body("code", equalTo("child-may-not-write"));
        // reading is not writing: the child may mark it read
        Api.as(child).body(Map.of("seq", 1)).post("/api/v1/conversations/" + conversation + "/read").then()
                .statusCode(204);
    }

    @Test
    void theSocketRefusesAChildsFramesWithTheSameCodes() {
        String young = Children.cprOfAge(11, 40);
        String reader = Children.cprOfAge(15, 1);
        String tooYoung = Children.openWith(Children.staffK(), UNIT_K, Children.lookUp(Children.staffK(), young));
        String readOnly = Children.openWith(Children.staffK(), UNIT_R, Children.lookUp(Children.staffK(), reader));
        try (WsClient a = WsClient.connect(Children.citizen(young, "Lea Lund"));
                WsClient b = WsClient.connect(Children.citizen(reader, "Mads Mik"))) {
            a.send(Map.of("type", "send", "id", "s1", "conversationId", tooYoung, "clientMessageId",
                    UUID.randomUUID().toString(), "body", "hej"));
            assertError(a, "child-below-minimum-age", "s1");
            a.send(Map.of("type", "resume", "id", "r1", "conversations",
                    java.util.List.of(Map.of("conversationId", tooYoung, "afterSeq", 0))));
            assertError(a, "child-below-minimum-age", "r1");
            b.send(Map.of("type", "send", "id", "s2", "conversationId", readOnly, "clientMessageId",
                    UUID.randomUUID().toString(), "body", "hej"));
            assertError(b, "child-may-not-write", "s2");
            a.assertContract();
            b.assertContract();
        }
    }

    @Test
    void adultsAreNotTouchedByTheChildRules() {
        String conversation = World.openConversation(World.citizenA(), UNIT_R);
        World.send(World.citizenA(), conversation, "Jeg er voksen");
    }

    @Test
    void operatorsSetAUnitsChildRulesAndTheyApplyAtOnce() {
        String operator = Tokens.operator("ops");
        String path = "/api/v1/operator/tenants/00000000-0000-7000-8000-000000000001/units/" + UNIT_Q + "/children";
        Api.as(operator).get(path).then().statusCode(200).body("minimumAge", equalTo(13))
                .body("childrenMayWrite", equalTo(true));
        String cpr = Children.cprOfAge(12, 10);
        String child = Children.citizen(cpr, "Nora Nissen");
        String staffQ = Tokens.staff("testby", "quinn", "Quinn Qvist", "unit-q");
        String conversation = Children.openWith(staffQ, UNIT_Q, Children.lookUp(staffQ, cpr));
        Api.as(child).get("/api/v1/conversations/" + conversation).then().statusCode(403);

        Api.as(operator).body(Map.of("minimumAge", 10, "childrenMayWrite", false)).put(path).then().statusCode(200)
                .body("minimumAge", equalTo(10)).body("childrenMayWrite", equalTo(false));
        Api.as(child).get("/api/v1/conversations/" + conversation).then().statusCode(200);
        Api.as(child).body(Children.message("hej")).post("/api/v1/conversations/" + conversation + "/messages").then()
                .statusCode(403).body("code", equalTo("child-may-not-write"));

        Api.as(operator).body(Map.of("minimumAge", 19, "childrenMayWrite", true)).put(path).then().statusCode(400)
                .body("code", equalTo("invalid-field"));
        Api.as(operator).body(Map.of("minimumAge", 10, "childrenMayWrite", true))
                .put("/api/v1/operator/tenants/00000000-0000-7000-8000-000000000002/units/" + UNIT_Q + "/children")
                .then().statusCode(404);
        Api.as(staffQ).body(Map.of("minimumAge", 0, "childrenMayWrite", true)).put(path).then().statusCode(403);
    }

    private static void assertError(WsClient ws, String code, String ref) {
        JsonNode error = ws.await("error");
        assertEquals(code, error.path("code").asText(), () -> "got " + error);
        assertEquals(ref, error.path("ref").asText(), () -> "got " + error);
    }
}
