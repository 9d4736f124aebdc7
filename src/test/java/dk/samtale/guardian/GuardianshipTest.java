package dk.samtale.guardian;

import static dk.samtale.guardian.Children.UNIT_K;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.TestClock;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * Guardianships (issue 20): a caseworker registers a child's guardians by CPR with the basis, who and
 * when; lists and ends them; a guardianship ends by itself on the child's 18th birthday (evaluated when
 * read, with the injected clock). Staff with no unit that registered one or talks with the child, of
 * another tenant, and citizens learn nothing (404/403). Each registration and end is audited, ids only.
 */
@QuarkusTest
class GuardianshipTest {

    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aCaseworkerRegistersAChildsGuardianWithTheBasisWhoAndWhen() {
        String staff = Children.staffK();
        String child = Children.lookUp(staff, Children.cprOfAge(9, 20));
        String parentCpr = Children.cprOfAge(38, 5);
        String staffId = Api.as(staff).get("/api/v1/me").then().statusCode(200).extract().path("id");
        Instant before = Instant.now().minusSeconds(1);

        String id = Api.as(staff).body(Map.of("cpr", parentCpr, "unitId", UNIT_K, "basis", "parental-authority"))
                .post("/api/v1/citizens/" + child + "/guardians").then().statusCode(201)
                .body("childId", equalTo(child)).body("basis", equalTo("parental-authority"))
                .body("unitId", equalTo(UNIT_K)).body("registeredBy", equalTo(staffId))
                .body("status", equalTo("active")).body("endedAt", nullValue())
                .body("guardian.id", equalTo(Children.lookUp(staff, parentCpr)))
                .extract().path("id");
        Api.as(staff).get("/api/v1/citizens/" + child + "/guardians").then().statusCode(200)
                .body("items.id", hasItem(id))
                .body("items.find { it.id == '" + id + "' }.registeredAt", notNullValue());
        String registeredAt = Api.as(staff).get("/api/v1/citizens/" + child + "/guardians").then().extract()
                .path("items.find { it.id == '" + id + "' }.registeredAt");
        assertFalse(Instant.parse(registeredAt).isBefore(before), registeredAt);

        String trail = Api.as(Tokens.service("testby", "tilsyn", "admin"))
                .get("/api/v1/admin/audit?action=guardianship.registered&limit=200").then().statusCode(200)
                .body("items.targetId", hasItem(id))
                .body("items.find { it.targetId == '" + id + "' }.actor.id", equalTo(staffId))
                .body("items.find { it.targetId == '" + id + "' }.detail.childId", equalTo(child))
                .extract().asString();
        assertFalse(trail.contains(parentCpr), "no CPR in the audit trail");
    }

    @Test
    void registeringTheSameGuardianTwiceAnAdultOrTheChildItselfIsRefused() {
        String staff = Children.staffK();
        String childCpr = Children.cprOfAge(10, 1);
        String child = Children.lookUp(staff, childCpr);
        String parentCpr = Children.cprOfAge(40, 1);
        register(staff, child, parentCpr).statusCode(201);
        register(staff, child, parentCpr).statusCode(409).body("code", equalTo("guardianship-exists"));
        register(staff, child, childCpr).statusCode(400).body("code", equalTo("invalid-field"));
        String adult = Children.lookUp(staff, Children.cprOfAge(18, 0)); // 18 today
        register(staff, adult, parentCpr).statusCode(409).body("code", equalTo("not-a-child"));
        Api.as(staff).body(Map.of("cpr", "12345", "unitId", UNIT_K)).post("/api/v1/citizens/" + child + "/guardians")
                .then().statusCode(400).body("code", equalTo("invalid-field"));
    }

    @Test
    void staffEndAGuardianshipAndEndingItAgainChangesNothing() {
        String staff = Children.staffK();
        String staffId = Api.as(staff).get("/api/v1/me").then().extract().path("id");
        String child = Children.lookUp(staff, Children.cprOfAge(7, 3));
        String id = register(staff, child, Children.cprOfAge(35, 2)).statusCode(201).extract().path("id");

        String endedAt = Api.as(staff).post("/api/v1/citizens/" + child + "/guardians/" + id + "/end").then()
                .statusCode(200).body("status", equalTo("ended")).body("endReason", equalTo("ended-by-staff"))
                .body("endedBy", equalTo(staffId)).extract().path("endedAt");
        Api.as(staff).post("/api/v1/citizens/" + child + "/guardians/" + id + "/end").then().statusCode(200)
                .body("endedAt", equalTo(endedAt));
        Api.as(Tokens.service("testby", "tilsyn", "admin"))
                .get("/api/v1/admin/audit?action=guardianship.ended&limit=200").then().statusCode(200)
                .body("items.findAll { it.targetId == '" + id + "' }.size()", equalTo(1));
    }

    @Test
    void aGuardianshipEndsByItselfOnTheChildsEighteenthBirthday() {
        String staff = Children.staffK();
        String child = Children.lookUp(staff, Children.cprOfAge(18, -1)); // 18 tomorrow
        String id = register(staff, child, Children.cprOfAge(45, 0)).statusCode(201).body("status", equalTo("active"))
                .extract().path("id");

        clock.advance(Duration.ofDays(2));
        String later = Tokens.staffBuilder("testby", "karen", "Karen Krogh", "unit-k", "unit-r")
                .expiresAt(clock.instant().plusSeconds(3600)).sign("staff-testby", "staff-testby");
        Api.as(later).get("/api/v1/citizens/" + child + "/guardians").then().statusCode(200)
                .body("items.find { it.id == '" + id + "' }.status", equalTo("ended"))
                .body("items.find { it.id == '" + id + "' }.endReason", equalTo("child-of-age"))
                .body("items.find { it.id == '" + id + "' }.endedBy", nullValue());
        register(later, child, Children.cprOfAge(44, 0)).statusCode(409).body("code", equalTo("not-a-child"));
    }

    @Test
    void staffOfAnotherUnitOrTenantAndCitizensLearnNothing() {
        String staff = Children.staffK();
        String child = Children.lookUp(staff, Children.cprOfAge(11, 9));
        String id = register(staff, child, Children.cprOfAge(39, 9)).statusCode(201).extract().path("id");

        for (String outsider : new String[]{World.staffY(), World.staffOfAndenby()}) {
            Api.as(outsider).get("/api/v1/citizens/" + child + "/guardians").then().statusCode(404);
            Api.as(outsider).post("/api/v1/citizens/" + child + "/guardians/" + id + "/end").then().statusCode(404);
        }
        // staff of unit Y cannot register on behalf of unit K
        register(World.staffY(), child, Children.cprOfAge(39, 8)).statusCode(404);
        // nor for a child of another tenant
        String andenbyChild = Children.lookUp(World.staffOfAndenby(), Children.cprOfAge(8, 8));
        register(staff, andenbyChild, Children.cprOfAge(30, 8)).statusCode(404);
        Api.as(World.citizenA()).get("/api/v1/citizens/" + child + "/guardians").then().statusCode(403);
        Api.as(Tokens.service("testby", "tilsyn", "admin")).get("/api/v1/citizens/" + child + "/guardians").then()
                .statusCode(403);
        // still active: nobody outside ended it
        Api.as(staff).get("/api/v1/citizens/" + child + "/guardians").then()
                .body("items.find { it.id == '" + id + "' }.status", equalTo("active"));
        // staff of a unit with a conversation with the child may see the guardians
        Children.openWith(World.staffY(), World.UNIT_Y, child);
        Api.as(World.staffY()).get("/api/v1/citizens/" + child + "/guardians").then().statusCode(200)
                .body("items.id", hasItem(id));
    }

    private static io.restassured.response.ValidatableResponse register(String staff, String child, String cpr) {
        return Api.as(staff).body(Map.of("cpr", cpr, "unitId", UNIT_K, "basis", "parental-authority"))
                .post("/api/v1/citizens/" + child + "/guardians").then();
    }
}
