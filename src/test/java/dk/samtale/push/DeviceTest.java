package dk.samtale.push;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/** Registering, moving and removing push devices, and who may touch which device. */
@QuarkusTest
class DeviceTest {

    private static ValidatableResponse register(String caller, Map<String, ?> body) {
        return Api.as(caller).body(body).post("/api/v1/devices").then();
    }

    private static List<String> deviceIds(String caller) {
        return Api.as(caller).get("/api/v1/devices").then().statusCode(200).extract().jsonPath()
                .getList("items.id");
    }

    @Test
    void registeringTheSameTokenAgainIsIdempotentAndTheTokenIsNeverShown() {
        String citizen = Tokens.citizen("testby", PushTest.newCpr(), "Ida Idem");
        String token = PushTest.newPushToken();
        io.restassured.response.Response created = register(citizen,
                Map.of("token", token, "platform", "android", "appVersion", "1.0.0"))
                .statusCode(201).body("platform", equalTo("android")).body("appVersion", equalTo("1.0.0"))
                .extract().response();
        String body = created.asString();
        String id = created.jsonPath().getString("id");
        String location = created.header("Location");
        assertFalse(body.contains(token), "the token never comes back");
        assertTrue(location.endsWith("/api/v1/devices/" + id));
        register(citizen, Map.of("token", token, "platform", "android", "appVersion", "1.1.0", "locale", "da-DK"))
                .statusCode(200).body("id", equalTo(id)).body("appVersion", equalTo("1.1.0"))
                .body("locale", equalTo("da-DK"));
        assertEquals(List.of(id), deviceIds(citizen));
    }

    @Test
    void aTokenRegisteredBySomeoneElseMovesToThemAsANewDevice() {
        String first = Tokens.citizen("testby", PushTest.newCpr(), "Første Ejer");
        String second = Tokens.citizen("andenby", PushTest.newCpr(), "Anden Ejer");
        String token = PushTest.newPushToken();
        String before = register(first, Map.of("token", token, "platform", "ios")).statusCode(201).extract()
                .path("id");
        String after = register(second, Map.of("token", token, "platform", "ios")).statusCode(201).extract()
                .path("id");
        assertNotEquals(before, after);
        assertEquals(List.of(), deviceIds(first), "the previous owner no longer has it");
        assertEquals(List.of(after), deviceIds(second));
        // and the previous owner cannot remove the device that is no longer theirs
        Api.as(first).delete("/api/v1/devices/" + before).then().statusCode(404).body("code", equalTo("not-found"));
        Api.as(first).delete("/api/v1/devices/" + after).then().statusCode(404).body("code", equalTo("not-found"));
    }

    @Test
    void onlyTheOwnerRemovesADeviceOthersGetNotFound() {
        String owner = Tokens.citizen("testby", PushTest.newCpr(), "Olga Ejer");
        String id = register(owner, Map.of("token", PushTest.newPushToken(), "platform", "web")).statusCode(201)
                .extract().path("id");
        for (String stranger : List.of(World.citizenB(), World.staffX(), World.citizenOfAndenby(),
                World.staffOfAndenby())) {
            Api.as(stranger).delete("/api/v1/devices/" + id).then().statusCode(404).body("code", equalTo("not-found"));
            Api.as(stranger).get("/api/v1/devices").then().statusCode(200).body("items.id", not(
                    org.hamcrest.Matchers.hasItem(id)));
        }
        Api.as(owner).delete("/api/v1/devices/" + id).then().statusCode(204);
        Api.as(owner).delete("/api/v1/devices/" + id).then().statusCode(404);
        Api.as(owner).delete("/api/v1/devices/" + UUID.randomUUID()).then().statusCode(404);
        assertEquals(List.of(), deviceIds(owner));
    }

    @Test
    void serviceClientsAreForbiddenAndStrangersUnauthorized() {
        String service = Tokens.service("testby", "case-system", "admin");
        Api.as(service).get("/api/v1/devices").then().statusCode(403).body("code", equalTo("forbidden"));
        Api.as(service).body(Map.of("token", PushTest.newPushToken(), "platform", "android"))
                .post("/api/v1/devices").then().statusCode(403);
        Api.as(service).delete("/api/v1/devices/" + UUID.randomUUID()).then().statusCode(403);
        Api.anonymous().get("/api/v1/devices").then().statusCode(401);
        Api.anonymous().body(Map.of("token", PushTest.newPushToken(), "platform", "android"))
                .post("/api/v1/devices").then().statusCode(401);
    }

    @Test
    void badRegistrationsAreInvalidField() {
        String citizen = World.citizenA();
        for (var bad : List.of(
                Map.of("platform", "android"),
                Map.of("token", "", "platform", "android"),
                Map.of("token", "has space", "platform", "android"),
                Map.of("token", PushTest.newPushToken()),
                Map.of("token", PushTest.newPushToken(), "platform", "symbian"),
                Map.of("token", PushTest.newPushToken(), "platform", "ios", "locale", "not a locale"),
                Map.of("token", PushTest.newPushToken(), "platform", "ios", "appVersion", "x".repeat(65)))) {
            register(citizen, bad).statusCode(400).body("code", equalTo("invalid-field"));
        }
        Api.as(citizen).body("{\"token\": ").post("/api/v1/devices").then().statusCode(400)
                .body("code", equalTo("malformed-json"));
    }

    @Test
    void aStaffDeviceIsListedForItsOwnerOnly() {
        String staff = Tokens.staff("testby", "device-" + UUID.randomUUID(), "Dorte Device", "unit-x");
        String id = register(staff, Map.of("token", PushTest.newPushToken(), "platform", "web")).statusCode(201)
                .extract().path("id");
        try {
            assertEquals(List.of(id), deviceIds(staff));
            Api.as(World.staffX()).delete("/api/v1/devices/" + id).then().statusCode(404);
        } finally {
            Api.as(staff).delete("/api/v1/devices/" + id).then().statusCode(204);
        }
    }

    @Test
    void aTenantsAdminDecidesWhetherPushesNameTheUnitOthersMayNot() {
        String admin = Tokens.service("testby", "operator", "admin");
        Api.as(admin).get("/api/v1/admin/push").then().statusCode(200).body("showUnitName", equalTo(true))
                .body("enabled", equalTo(true)).body("status", equalTo("enabled"));
        try {
            Api.as(admin).body(Map.of("showUnitName", false)).put("/api/v1/admin/push").then().statusCode(200)
                    .body("showUnitName", equalTo(false));
            Api.as(admin).get("/api/v1/admin/push").then().statusCode(200).body("showUnitName", equalTo(false));
        } finally {
            Api.as(admin).body(Map.of("showUnitName", true)).put("/api/v1/admin/push").then().statusCode(200)
                    .body("showUnitName", equalTo(true));
        }
        Api.as(admin).body(Map.of("enabled", false)).put("/api/v1/admin/push").then().statusCode(400)
                .body("code", equalTo("invalid-field"));
        for (String other : List.of(World.staffX(), World.citizenA(), Tokens.service("testby", "reader",
                "journal-reader"))) {
            Api.as(other).get("/api/v1/admin/push").then().statusCode(403);
            Api.as(other).body(Map.of("showUnitName", false)).put("/api/v1/admin/push").then().statusCode(403);
        }
    }
}
