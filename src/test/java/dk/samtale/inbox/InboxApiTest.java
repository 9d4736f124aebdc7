package dk.samtale.inbox;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

import dk.samtale.testing.Api;
import dk.samtale.testing.FakeStaffIdp;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/** The inbox's REST side: who may use templates, notes and office hours; the auto reply; search; CSP. */
@QuarkusTest
class InboxApiTest {

    static final String HOURS_UNIT = "00000000-0000-7000-8000-0000000000aa";

    static String hoursStaff() {
        return Tokens.staff("testby", "hanne", "Hanne Hald", "unit-hours");
    }

    static String citizen(String cpr, String name) {
        return Tokens.citizen("testby", cpr, name);
    }

    @Test
    void templatesBelongToTheStaffOfTheirUnit() {
        String base = "/api/v1/units/" + World.UNIT_X + "/templates";
        String id = Api.as(World.staffX()).body(Map.of("title", "Velkommen", "body", "Velkommen til Team Ung."))
                .post(base).then().statusCode(201).header("Location", containsString(base)).extract().path("id");
        Api.as(World.staffX2()).get(base).then().statusCode(200).body("items.title", org.hamcrest.Matchers
                .hasItem("Velkommen"));
        Api.as(World.staffX2()).body(Map.of("title", "Velkommen", "body", "Velkommen, og tak for din besked."))
                .put(base + "/" + id).then().statusCode(200).body("body", org.hamcrest.Matchers.equalTo(
                        "Velkommen, og tak for din besked."));
        // another unit, another tenant, a citizen
        Api.as(World.staffY()).get(base).then().statusCode(404).body("code", org.hamcrest.Matchers.equalTo(
                "not-found"));
        Api.as(World.staffY()).body(Map.of("title", "x", "body", "y")).put(base + "/" + id).then().statusCode(404);
        Api.as(World.staffY()).delete(base + "/" + id).then().statusCode(404);
        Api.as(World.staffOfAndenby()).get(base).then().statusCode(404);
        Api.as(World.citizenA()).get(base).then().statusCode(403);
        Api.anonymous().get(base).then().statusCode(401);
        // a template id of unit X is not found under unit Y, even by staff of Y
        Api.as(World.staffY()).delete("/api/v1/units/" + World.UNIT_Y + "/templates/" + id).then().statusCode(404);
        Api.as(World.staffX()).body(Map.of("title", " ", "body", "y")).post(base).then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("title"));
        Api.as(World.staffX()).delete(base + "/" + id).then().statusCode(204);
        Api.as(World.staffX()).delete(base + "/" + id).then().statusCode(404);
    }

    @Test
    void notesReachTheUnitsStaffAndNeverTheCitizen() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String notes = "/api/v1/conversations/" + conversation + "/notes";
        try (WsClient citizen = WsClient.connect(World.citizenA());
                WsClient colleague = WsClient.connect(World.staffX2());
                WsClient otherUnit = WsClient.connect(World.staffY())) {
            Api.as(World.staffX()).body(Map.of("body", "Borgeren har bedt om et møde")).post(notes).then()
                    .statusCode(201).body("author.name", org.hamcrest.Matchers.equalTo("Kirsten Kvist"));
            JsonNode note = colleague.await("note").path("note");
            assertEquals("Borgeren har bedt om et møde", note.path("body").asText());
            citizen.assertNoFrame(Duration.ofMillis(800), "note");
            otherUnit.assertNoFrame(Duration.ofMillis(100), "note");
            for (JsonNode f : citizen.drain()) {
                assertTrue(!f.toString().contains("møde"), "the citizen got the note: " + f);
            }
        }
        Api.as(World.staffX2()).get(notes).then().statusCode(200).body("items.body", org.hamcrest.Matchers.contains(
                "Borgeren har bedt om et møde"));
        Api.as(World.citizenA()).get(notes).then().statusCode(403);
        Api.as(World.citizenA()).body(Map.of("body", "x")).post(notes).then().statusCode(403);
        Api.as(World.staffY()).get(notes).then().statusCode(404);
        Api.as(World.staffY()).body(Map.of("body", "x")).post(notes).then().statusCode(404);
        Api.as(World.staffOfAndenby()).get(notes).then().statusCode(404);
        Api.as(World.staffX()).body(Map.of("body", "")).post(notes).then().statusCode(400);
        // a note is not a message: the conversation has none
        Api.as(World.citizenA()).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
    }

    @Test
    void outsideOfficeHoursACitizenGetsOneAutomaticReplyPerClosedPeriod() throws Exception {
        // open only on a day that is not today (Copenhagen), so it is closed now
        DayOfWeek other = ZonedDateTime.now(ZoneId.of("Europe/Copenhagen")).getDayOfWeek().plus(3);
        String day = other.name().substring(0, 3).toLowerCase(Locale.ROOT);
        String hours = "/api/v1/units/" + HOURS_UNIT + "/office-hours";
        Api.as(hoursStaff()).body(Map.of("timeZone", "Europe/Copenhagen", "weekly", Map.of(day, List.of(Map.of(
                "from", "08:00", "to", "15:30"))), "enabled", true)).put(hours).then().statusCode(200)
                .body("openNow", org.hamcrest.Matchers.equalTo(false))
                .body("weekly." + day + "[0].from", org.hamcrest.Matchers.equalTo("08:00"));

        String token = citizen("0909091111", "Ida Iversen");
        String conversation = World.openConversation(token, HOURS_UNIT);
        World.send(token, conversation, "Hej, er I der?");
        World.send(token, conversation, "Hallo?");
        List<Map<String, Object>> messages = awaitMessages(token, conversation, 3);
        Thread.sleep(500);
        messages = awaitMessages(token, conversation, 3);
        List<Map<String, Object>> auto = messages.stream().filter(m -> "system".equals(((Map<?, ?>) m.get("sender"))
                .get("kind"))).toList();
        assertEquals(1, auto.size(), "one automatic reply for the closed period: " + messages.size());
        String text = (String) auto.get(0).get("body");
        assertTrue(text.startsWith("Tak for din besked. Vi har lukket"), text);
        assertTrue(text.contains(" kl. 08:00"), text);
        assertEquals(HOURS_UNIT, ((Map<?, ?>) auto.get(0).get("sender")).get("id"));

        // the staff's own messages get none; a unit's own text replaces the default
        Api.as(hoursStaff()).body(Map.of("weekly", Map.of(day, List.of(Map.of("from", "08:00", "to", "15:30"))),
                "autoReply", "Vi svarer {next}.")).put(hours).then().statusCode(200);
        String second = World.openConversation(token, HOURS_UNIT);
        World.send(hoursStaff(), second, "Vi har oprettet en samtale til dig.");
        World.send(token, second, "Tak!");
        List<Map<String, Object>> replies = awaitMessages(token, second, 3);
        assertTrue(((String) replies.get(2).get("body")).startsWith("Vi svarer "), replies.toString());

        // switched off: nothing
        Api.as(hoursStaff()).body(Map.of("weekly", Map.of(), "enabled", false)).put(hours).then().statusCode(200)
                .body("openNow", org.hamcrest.Matchers.equalTo(true));
        String third = World.openConversation(token, HOURS_UNIT);
        World.send(token, third, "Er der nogen?");
        Thread.sleep(800);
        assertEquals(1, awaitMessages(token, third, 1).size());
    }

    @Test
    void officeHoursAreSetByTheUnitsStaffOrTheTenantsAdmin() {
        String hours = "/api/v1/units/" + HOURS_UNIT + "/office-hours";
        Api.as(Tokens.service("testby", "ops", "admin")).get(hours).then().statusCode(200);
        Api.as(Tokens.service("testby", "case-system", "journal-reader")).get(hours).then().statusCode(403);
        Api.as(World.staffX()).get(hours).then().statusCode(404);
        Api.as(World.staffOfAndenby()).get(hours).then().statusCode(404);
        Api.as(World.citizenA()).get(hours).then().statusCode(403);
        Api.as(hoursStaff()).body(Map.of("weekly", Map.of("monday", List.of()))).put(hours).then().statusCode(400)
                .body("code", org.hamcrest.Matchers.equalTo("invalid-field"));
        Api.as(hoursStaff()).body(Map.of("weekly", Map.of("mon", List.of(Map.of("from", "16:00", "to", "08:00")))))
                .put(hours).then().statusCode(400);
        Api.as(hoursStaff()).body(Map.of("timeZone", "Mars/Olympus", "weekly", Map.of())).put(hours).then()
                .statusCode(400);
    }

    @Test
    void searchFindsSealedCitizenNamesAndSubjectsNewestFirst() {
        String freja = citizen("1010101111", "Freja Kristensen");
        String oskar = citizen("1111111111", "Oskar Hansen");
        String a = World.openConversation(freja, World.UNIT_Y);
        Api.as(oskar).body(Map.of("unitId", World.UNIT_Y, "subject", "Praktik hos Freja's Bageri"))
                .post("/api/v1/conversations").then().statusCode(201);
        search(World.staffY(), "freja KRIST").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(a));
        // a name or a subject; the newest activity first
        search(World.staffY(), "freja").then().statusCode(200)
                .body("items.citizen.name", org.hamcrest.Matchers.contains("Oskar Hansen", "Freja Kristensen"));
        search(World.staffY(), "bageri").then().statusCode(200)
                .body("items.citizen.name", org.hamcrest.Matchers.contains("Oskar Hansen"));
        search(World.staffY(), "nobody-has-this").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
        // other units and tenants find nothing of it
        search(World.staffX(), "freja kristensen").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
        search(World.staffOfAndenby(), "freja").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
        search(World.staffY(), "x".repeat(201)).then().statusCode(400);
    }

    @Test
    void theInboxPageHasAStrictContentSecurityPolicyAndPublicSignInSettings() {
        Api.anonymous().get("/inbox/config.json").then().statusCode(200)
                .body("signIn", org.hamcrest.Matchers.equalTo("oidc"))
                .body("issuer", org.hamcrest.Matchers.equalTo(FakeStaffIdp.issuer()))
                .body("clientId", org.hamcrest.Matchers.equalTo(FakeStaffIdp.CLIENT_ID));
        RestAssured.given().get("/inbox/").then().statusCode(200)
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Content-Security-Policy", not(containsString("unsafe")))
                .body(not(containsString("<script>")), not(containsString("style=")));
    }

    static io.restassured.response.Response search(String token, String q) {
        return Api.as(token).queryParam("view", "all").queryParam("q", q).get("/api/v1/conversations");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> awaitMessages(String token, String conversation, int atLeast)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        List<Map<String, Object>> items = List.of();
        while (System.currentTimeMillis() < deadline) {
            items = Api.as(token).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                    .extract().path("items");
            if (items.size() >= atLeast) {
                return items;
            }
            Thread.sleep(100);
        }
        return items;
    }
}
