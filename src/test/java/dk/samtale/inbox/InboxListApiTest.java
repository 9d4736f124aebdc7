package dk.samtale.inbox;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * The inbox list's read model over REST (each response checked against openapi.yaml by {@link Api}):
 * last-message preview, the unit's "awaiting reply" and "waiting since", view counts, the waiting
 * order, one citizen's conversations for the citizen panel, the delivered cursor, the masked phone.
 */
@QuarkusTest
class InboxListApiTest {

    static final String UNIT = "00000000-0000-7000-8000-0000000000ab";

    static String lis() {
        return Tokens.staff("testby", "lis", "Lis Lund", "unit-list");
    }

    static String per() {
        return Tokens.staff("testby", "per", "Per Poulsen", "unit-list");
    }

    static final String PANEL_UNIT = "00000000-0000-7000-8000-0000000000ac";

    static String kim() {
        return Tokens.staff("testby", "kim", "Kim Krogh", "unit-list-panel");
    }

    static String openIn(String unit, String token, String subject) {
        return Api.as(token).body(Map.of("unitId", unit, "subject", subject)).post("/api/v1/conversations").then()
                .statusCode(201).extract().path("id");
    }

    static String citizen(String cpr, String name) {
        return Tokens.citizen("testby", cpr, name);
    }

    static String open(String token, String subject) {
        return Api.as(token).body(Map.of("unitId", UNIT, "subject", subject)).post("/api/v1/conversations").then()
                .statusCode(201).extract().path("id");
    }

    static String idOf(String token) {
        return Api.as(token).get("/api/v1/me").then().statusCode(200).extract().path("id");
    }

    static void until(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static JsonPath item(String token, String id) {
        return Api.as(token).get("/api/v1/conversations/" + id).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void awaitingReplyIsTheUnitsAndTheListShowsWhoWroteLast() throws Exception {
        String ea = citizen("0101901111", "Ea Eriksen");
        String bo = citizen("0202902222", "Bo Bach");
        String first = open(ea, "Første");
        World.send(ea, first, "Hej\nanden linje");
        Thread.sleep(20); // distinct creation times, so the waiting order is defined
        String second = open(bo, "Anden");
        World.send(bo, second, "Er der nogen?");
        World.send(bo, second, "Hallo?");

        JsonPath a = item(lis(), first);
        assertTrue(a.getBoolean("awaitingReply"));
        assertNotNull(a.getString("waitingSince"));
        assertEquals("citizen", a.getString("lastMessage.senderKind"));
        assertEquals("Ea Eriksen", a.getString("lastMessage.sender.name"));
        assertEquals("Hej", a.getString("lastMessage.preview"), "the first line only");

        // the waiting order: Ea has waited longest; newest first puts Bo on top
        List<String> waiting = Api.as(lis()).get("/api/v1/conversations?sort=waiting").then().statusCode(200)
                .extract().path("items.id");
        assertEquals(List.of(first, second), waiting);
        List<String> newest = Api.as(lis()).get("/api/v1/conversations").then().statusCode(200).extract()
                .path("items.id");
        assertEquals(List.of(second, first), newest);
        Api.as(lis()).get("/api/v1/conversations?sort=oldest").then().statusCode(400);

        // Bo's second message does not restart the clock: waiting since his first
        String boFirstAt = Api.as(lis()).get("/api/v1/conversations/" + second + "/messages").then().extract()
                .path("items[0].createdAt");
        assertEquals(java.time.Instant.parse(boFirstAt), java.time.Instant.parse(item(lis(), second)
                .getString("waitingSince")));

        // Per (a colleague) answers Ea: no longer awaiting a reply, for Lis too
        Api.as(lis()).get("/api/v1/conversations/counts").then().statusCode(200).body("awaitingReply", equalTo(2))
                .body("all", equalTo(2)).body("unassigned", equalTo(2)).body("mine", equalTo(0))
                .body("closed", equalTo(0));
        World.send(per(), first, "Hej Ea, hvad kan vi hjælpe med?");
        JsonPath answered = item(lis(), first);
        assertFalse(answered.getBoolean("awaitingReply"));
        assertNull(answered.getString("waitingSince"));
        assertEquals("Per Poulsen", answered.getString("lastMessage.sender.name"));
        assertEquals("staff", answered.getString("lastMessage.senderKind"));
        Api.as(lis()).body(Map.of("staffId", idOf(lis()))).post("/api/v1/conversations/" + second + "/assign")
                .then().statusCode(200);
        Api.as(lis()).post("/api/v1/conversations/" + first + "/close").then().statusCode(200);
        Api.as(lis()).get("/api/v1/conversations/counts").then().statusCode(200).body("awaitingReply", equalTo(1))
                .body("all", equalTo(1)).body("mine", equalTo(1)).body("unassigned", equalTo(0))
                .body("closed", equalTo(1));
        // counts are staff-only, and only over the caller's units
        Api.as(ea).get("/api/v1/conversations/counts").then().statusCode(403);
    }

    @Test
    void theCitizenPanelListsOneCitizensConversationsInTheCallersUnitsOnly() {
        String ida = citizen("0303903333", "Ida Iversen");
        String one = openIn(PANEL_UNIT, ida, "Om praktik");
        String two = openIn(PANEL_UNIT, ida, "Om ydelse");
        String other = openIn(PANEL_UNIT, citizen("0404904444", "Ole Olsen"), "Andet");
        String idaId = item(kim(), one).getString("citizen.id");
        List<String> ids = Api.as(kim()).get("/api/v1/conversations?citizenId=" + idaId).then().statusCode(200)
                .extract().path("items.id");
        assertEquals(List.of(two, one), ids);
        assertFalse(ids.contains(other));
        // staff of another unit see none of them; a malformed id is a clear 400
        List<String> foreign = Api.as(World.staffX()).get("/api/v1/conversations?citizenId=" + idaId).then()
                .statusCode(200).extract().path("items.id");
        assertTrue(foreign.isEmpty(), foreign.toString());
        Api.as(kim()).get("/api/v1/conversations?citizenId=nope").then().statusCode(400)
                .body("errors[0].field", equalTo("citizenId"));
    }

    @Test
    void theDeliveredCursorAndAMaskedVerifiedNumberAreInTheApi() {
        String jo = citizen("0505905555", "Jo Jensen");
        String conversation = openIn(PANEL_UNIT, jo, "Levering");
        long seq = World.send(kim(), conversation, "Din ansøgning er modtaget.");
        Api.as(jo).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200);
        try (var socket = dk.samtale.testing.WsClient.connect(jo)) {
            socket.send(Map.of("type", "delivered", "conversationId", conversation, "seq", seq));
            until(() -> item(kim(), conversation).getLong("counterpartDeliveredSeq") == seq);
        }
        assertEquals(0L, item(kim(), conversation).getLong("counterpartReadSeq"));

        String citizenId = item(kim(), conversation).getString("citizen.id");
        String phone = "/api/v1/sms/citizens/" + citizenId + "/phone";
        Api.as(kim()).body(Map.of("phone", "+4520304050")).put(phone).then().statusCode(200)
                .body("maskedNumber", equalTo("+45••••••50")).body("verifiedBy", equalTo(idOf(kim())));
        String body = Api.as(kim()).get(phone).then().statusCode(200).body("maskedNumber", equalTo("+45••••••50"))
                .body("verifiedBy", equalTo(idOf(kim()))).extract().asString();
        assertFalse(body.contains("20304050"), "the number itself is never returned: " + body);
    }
}
