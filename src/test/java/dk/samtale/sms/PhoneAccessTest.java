package dk.samtale.sms;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.platform.Problem;
import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * Issue 14 item 8: a citizen's phone number decides where SMS notices go, so only staff of a unit that
 * has a conversation with the citizen may read, set or delete it (others get 404, as for anything they
 * may not know exists), staff in no unit may not look up CPR numbers, and every change names its
 * author in the audit trail.
 */
@QuarkusTest
class PhoneAccessTest {

    private static final String ADMIN = Tokens.service("testby", "testby-admin", "admin");

    @Test
    void onlyStaffOfAUnitTalkingWithTheCitizenMayReadSetOrDeleteTheNumberAndChangesAreAudited() {
        SmsFixture.Citizen c = SmsFixture.citizenWithoutPhone();
        String phone = SmsFixture.phoneOf(c.id());
        String noUnit = Tokens.staff("testby", "ingen-enhed-" + UUID.randomUUID(), "Ib Ingen");

        // no conversation with anyone yet: nobody may change where the citizen's notices go
        assertNotFound(World.staffX(), c, phone);
        World.openConversation(c.token(), World.UNIT_X);
        // unit X talks with the citizen now; unit Y and staff in no unit still do not
        assertNotFound(World.staffY(), c, phone);
        assertNotFound(noUnit, c, phone);

        Api.as(World.staffX()).body(Map.of("phone", c.phone())).put(phone).then().statusCode(200)
                .body("verified", equalTo(true));
        Api.as(World.staffX()).get(phone).then().statusCode(200).body("verified", equalTo(true));
        String kirsten = Api.as(World.staffX()).get("/api/v1/me").then().extract().path("id");
        Api.as(ADMIN).get("/api/v1/admin/audit?action=citizen.phone-set&targetId=" + c.id()).then().statusCode(200)
                .body("items.actor.id", hasItem(kirsten)).body("items.targetId", hasItem(c.id()));

        Api.as(World.staffX2()).delete(phone).then().statusCode(204);
        String lars = Api.as(World.staffX2()).get("/api/v1/me").then().extract().path("id");
        Api.as(ADMIN).get("/api/v1/admin/audit?action=citizen.phone-removed&targetId=" + c.id()).then()
                .statusCode(200).body("items.actor.id", hasItem(lars));
        // the trail holds ids, never the number
        String trail = Api.as(ADMIN).get("/api/v1/admin/audit?targetId=" + c.id()).then().extract().asString();
        org.junit.jupiter.api.Assertions.assertFalse(trail.contains(c.phone().substring(1)), trail);
    }

    @Test
    void staffInNoUnitMayNotLookUpACpr() {
        String noUnit = Tokens.staff("testby", "ingen-enhed-" + UUID.randomUUID(), "Ib Ingen");
        Api.as(noUnit).body(Map.of("cpr", "0707077777")).post("/api/v1/citizens/lookup").then().statusCode(403)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("forbidden"));
        Api.as(World.staffX()).body(Map.of("cpr", "0707077777")).post("/api/v1/citizens/lookup").then()
                .statusCode(200);
    }

    private static void assertNotFound(String staff, SmsFixture.Citizen c, String phone) {
        Api.as(staff).body(Map.of("phone", c.phone())).put(phone).then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("not-found"));
        Api.as(staff).get(phone).then().statusCode(404);
        Api.as(staff).delete(phone).then().statusCode(404);
    }
}
