package dk.samtale.identity;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/** Only tokens from trusted issuers get in, and each kind of caller only where it belongs. */
@QuarkusTest
class TokenTrustTest {

    static final String TESTBY = "00000000-0000-7000-8000-000000000001";
    static final String ANDENBY = "00000000-0000-7000-8000-000000000002";
    private static final Instant AN_HOUR_AGO = Instant.now().minus(1, ChronoUnit.HOURS);

    private static Tokens.Builder citizenClaims() {
        return Tokens.citizenBuilder("testby", Api.CPR_A, "Anna Andersen", Tokens.SUBSTANTIAL);
    }

    private static void assertUnauthorized(String token) {
        assertUnauthorized(Api.as(token).get("/api/v1/me").then());
    }

    static void assertUnauthorized(ValidatableResponse response) {
        response.statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("code", equalTo("unauthorized"))
                .body("type", equalTo("urn:samtale:problem:unauthorized"))
                .body("status", equalTo(401));
    }

    private static void assertForbidden(ValidatableResponse response) {
        response.statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("forbidden"))
                .body("type", equalTo("urn:samtale:problem:forbidden"));
    }

    @Test
    void requestWithoutTokenIsUnauthorized() {
        assertUnauthorized(Api.anonymous().get("/api/v1/me").then());
        assertUnauthorized(Api.anonymous().get("/api/v1/conversations").then());
    }

    @Test
    void expiredTokenIsUnauthorized() {
        assertUnauthorized(citizenClaims().expiresAt(AN_HOUR_AGO).sign("citizen-testby"));
        assertUnauthorized(Tokens.staffBuilder("testby", "kirsten", "Kirsten Kvist", "unit-x")
                .expiresAt(AN_HOUR_AGO).sign("staff-testby"));
    }

    @Test
    void tokenSignedByAnUntrustedKeyIsUnauthorized() {
        // the rogue key claims the trusted issuer's key id
        assertUnauthorized(citizenClaims().sign("rogue", "citizen-testby"));
    }

    @Test
    void unsignedTokenWithAlgNoneIsUnauthorized() {
        assertUnauthorized(citizenClaims().unsigned());
    }

    @Test
    void tokenFromAnUnknownIssuerIsUnauthorized() {
        assertUnauthorized(citizenClaims().issuer("https://evil.example").sign("citizen-testby"));
    }

    @Test
    void tokenSignedByAnotherTrustedIssuersKeyIsUnauthorized() {
        // a valid staff signature does not make a token that claims to come from the citizen issuer
        assertUnauthorized(citizenClaims().sign("staff-testby", "citizen-testby"));
    }

    @Test
    void tokenForAnotherAudienceIsUnauthorized() {
        assertUnauthorized(citizenClaims().audience("another-service").sign("citizen-testby"));
    }

    @Test
    void garbageTokenIsUnauthorized() {
        assertUnauthorized("garbage");
        assertUnauthorized("not.a.jwt");
    }

    @Test
    void citizenTokenWithLowAssuranceIsUnauthorized() {
        assertUnauthorized(
                Tokens.citizenBuilder("testby", Api.CPR_A, "Anna Andersen", Tokens.LOW).sign("citizen-testby"));
    }

    @Test
    void citizenTokenWithoutAValidCprIsUnauthorized() {
        assertUnauthorized(Tokens.citizenBuilder("testby", "12345", "Anna Andersen", Tokens.SUBSTANTIAL)
                .sign("citizen-testby"));
        assertUnauthorized(Tokens.citizenBuilder("testby", "01010x1111", "Anna Andersen", Tokens.SUBSTANTIAL)
                .sign("citizen-testby"));
    }

    @Test
    void citizenIsKnownAsCitizenOfItsTenant() {
        Api.as(World.citizenA()).get("/api/v1/me").then().statusCode(200)
                .body("kind", equalTo("citizen"))
                .body("id", matchesPattern("[0-9a-f-]{36}"))
                .body("name", equalTo("Anna Andersen"))
                .body("tenant.id", equalTo(TESTBY))
                .body("tenant.name", equalTo("Testby Kommune"))
                .body("units", empty());
    }

    @Test
    void citizenOfAnotherTenantIsKnownInThatTenant() {
        Api.as(World.citizenOfAndenby()).get("/api/v1/me").then().statusCode(200)
                .body("kind", equalTo("citizen"))
                .body("tenant.id", equalTo(ANDENBY));
    }

    @Test
    void staffOfUnitXIsKnownAsStaffWithUnitX() {
        Api.as(World.staffX()).get("/api/v1/me").then().statusCode(200)
                .body("kind", equalTo("staff"))
                .body("id", matchesPattern("[0-9a-f-]{36}"))
                .body("name", equalTo("Kirsten Kvist"))
                .body("tenant.id", equalTo(TESTBY))
                .body("units.id", contains(World.UNIT_X))
                .body("units[0].name", equalTo("Jobcenter – Team Ung"));
    }

    @Test
    void staffInTwoUnitsSeesBothAndNoGroupOfAnotherTenant() {
        String token = Tokens.staff("testby", "multi", "Mia Multi", "unit-x", "unit-y", "unit-z", "no-such-unit");
        Api.as(token).get("/api/v1/me").then().statusCode(200)
                .body("units.id", containsInAnyOrder(World.UNIT_X, World.UNIT_Y));
    }

    @Test
    void serviceIsKnownAsServiceWithItsRoles() {
        Api.as(Tokens.service("testby", "case-system", "journal-reader")).get("/api/v1/me").then().statusCode(200)
                .body("kind", equalTo("service"))
                .body("id", nullValue())
                .body("tenant.id", equalTo(TESTBY))
                .body("units", empty())
                .body("roles", hasItem("journal-reader"));
    }

    @Test
    void serviceIsForbiddenToUseConversations() {
        String service = Tokens.service("testby", "case-system", "journal-reader");
        assertForbidden(Api.as(service).get("/api/v1/conversations").then());
        assertForbidden(Api.as(service).body(Map.of("unitId", World.UNIT_X, "subject", "Hej"))
                .post("/api/v1/conversations").then());
        assertForbidden(Api.as(service).get("/api/v1/units").then());
    }

    @Test
    void citizenIsForbiddenToListStaff() {
        assertForbidden(Api.as(World.citizenA()).get("/api/v1/staff").then());
    }

    @Test
    void citizenIsForbiddenToLookUpCitizens() {
        assertForbidden(Api.as(World.citizenA()).body(Map.of("cpr", Api.CPR_B)).post("/api/v1/citizens/lookup")
                .then());
    }

    @Test
    void staffMayListStaffAndUnitsOfItsTenantOnly() {
        String kirsten = Api.as(World.staffX()).get("/api/v1/me").then().statusCode(200).extract().path("id");
        Api.as(World.staffOfAndenby()).get("/api/v1/me").then().statusCode(200);
        Api.as(World.staffY()).get("/api/v1/staff").then().statusCode(200)
                .body("items.id", hasItem(kirsten))
                .body("items.name", not(hasItem("Zenia Zahle")));
        // testby's units (the inbox tests add units of their own to testby), never andenby's
        Api.as(World.staffY()).get("/api/v1/units").then().statusCode(200)
                .body("items.id", hasItems(World.UNIT_X, World.UNIT_Y)).body("items.id", not(hasItem(World.UNIT_Z)));
        Api.as(World.citizenA()).get("/api/v1/units").then().statusCode(200)
                .body("items.id", hasItems(World.UNIT_X, World.UNIT_Y)).body("items.id", not(hasItem(World.UNIT_Z)));
        assertUnauthorized(Api.anonymous().get("/api/v1/units").then());
    }

    @Test
    void tokenWithValidSignatureStillWorksAfterRejectedOnes() {
        // a control: the negative tests above fail for the reason they test, not because signing is broken
        Api.as(citizenClaims().sign("citizen-testby")).get("/api/v1/me").then().statusCode(200)
                .body("kind", equalTo("citizen")).body("id", notNullValue());
    }

    @Test
    void trustedTokensWithClaimsOfOddTypesAreUnauthorizedNever500() {
        assertUnauthorized(citizenClaims().claim("dk.cpr", 101011111L).sign("citizen-testby"));
        assertUnauthorized(citizenClaims().claim("dk.cpr", java.util.List.of(Api.CPR_A)).sign("citizen-testby"));
        assertUnauthorized(citizenClaims().claim("name", 42).sign("citizen-testby"));
        assertUnauthorized(Tokens.staffBuilder("testby", "kirsten", "Kirsten Kvist").claim("name", 42)
                .sign("staff-testby"));
        // (groups of odd types are refused by the same rule; the token builder cannot make them)
        // exp far beyond any real token: 1e17 is past Instant's range, 1e16 overflowed the socket's timer
        for (long exp : new long[]{100_000_000_000_000_000L, 10_000_000_000_000_000L}) {
            String token = citizenClaims().expiresAtSecond(exp).sign("citizen-testby");
            assertUnauthorized(token);
            org.junit.jupiter.api.Assertions.assertEquals(401, dk.samtale.testing.WsClient.upgradeStatus(
                    dk.samtale.testing.WsClient.options().addHeader("Authorization", "Bearer " + token)));
        }
    }
}
