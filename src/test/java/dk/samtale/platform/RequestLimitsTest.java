package dk.samtale.platform;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/** Oversized bodies and floods get problems, and nothing beyond the limit is stored. */
@QuarkusTest
class RequestLimitsTest {

    @jakarta.inject.Inject
    LimitsConfig limits;

    @Test
    void aBodyOverSixtyFourKibibytesIsRefusedWith413() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        Api.as(World.citizenA()).body(Map.of("clientMessageId", "big", "body", "x".repeat(70_000)))
                .post("/api/v1/conversations/" + conversation + "/messages")
                .then().statusCode(413).contentType(Problem.MEDIA_TYPE).body("code", equalTo("payload-too-large"));
        Api.as(World.citizenA()).get("/api/v1/conversations/" + conversation + "/messages")
                .then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void aCallerThatFloodsWritesGets429WithRetryAfterAndOthersAreUnaffected() {
        // a caller of its own, so no other test shares its bucket
        String flooder = Tokens.staff("testby", "flooder-" + UUID.randomUUID(), "Flemming Flod", "unit-x");
        String conversation = World.openConversation(World.citizenB(), World.UNIT_X);
        int created = 0;
        Response limited = null;
        for (int i = 0; i < 2000 && limited == null; i++) {
            Response r = Api.as(flooder).body(Map.of("clientMessageId", "f-" + i, "body", "spam " + i))
                    .post("/api/v1/conversations/" + conversation + "/messages");
            if (r.statusCode() == 429) {
                limited = r;
            } else {
                assertEquals(201, r.statusCode());
                created++;
            }
        }
        assertTrue(limited != null, "no 429 within 2000 rapid writes");
        limited.then().contentType(Problem.MEDIA_TYPE).body("code", equalTo("rate-limited"))
                .body("retryAfterSeconds", notNullValue()).header("Retry-After", notNullValue());
        assertTrue(created >= limits.restWriteBurst() - 1, "the burst allowance was honoured: " + created);

        // what was accepted is stored, once each; another caller is not limited
        Api.as(World.citizenB()).get("/api/v1/conversations/" + conversation + "/messages?before=100000&limit=1")
                .then().statusCode(200).body("items[0].seq", equalTo(created));
        World.send(World.citizenB(), conversation, "jeg er her stadig");
    }

    @Test
    void aNulCharacterInAnyStoredTextIsAnInvalidFieldNever500() {
        String staff = World.staffX();
        Api.as(World.citizenA()).body(Map.of("unitId", World.UNIT_X, "subject", "Hej\u0000med dig"))
                .post("/api/v1/conversations").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("invalid-field"));
        Api.as(staff).body(Map.of("title", "Skabelon\u0000", "body", "tekst"))
                .post("/api/v1/units/" + World.UNIT_X + "/templates").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("invalid-field"));
        Api.as(staff).body(Map.of("title", "Skabelon", "body", "te\u0000kst"))
                .post("/api/v1/units/" + World.UNIT_X + "/templates").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("invalid-field"));
    }

    @Test
    void duplicateJsonKeysAreMalformedJsonNever500() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        Api.as(World.citizenA()).body("{\"clientMessageId\":\"d-1\",\"body\":\"a\",\"body\":\"b\"}")
                .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("malformed-json"));
        Api.as(World.citizenA()).body("{\"seq\":1,\"seq\":2}")
                .post("/api/v1/conversations/" + conversation + "/read").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("malformed-json"));
        Api.as(World.citizenA()).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void apiAnswersCarryingPersonalDataAreNotStoredByBrowsersOrProxies() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        Api.as(World.citizenA()).get("/api/v1/me").then().statusCode(200).header("Cache-Control", "no-store");
        Api.as(World.staffX()).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .header("Cache-Control", "no-store");
        Api.as(World.staffX()).body(Map.of("cpr", Api.CPR_A)).post("/api/v1/citizens/lookup").then()
                .header("Cache-Control", "no-store");
        Api.anonymous().get("/api/v1/me").then().statusCode(401).header("Cache-Control", "no-store");
    }
}
