package dk.samtale.identity;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

import dk.samtale.testing.Api;
import dk.samtale.testing.FakeStaffIdp;
import dk.samtale.testing.World;

/**
 * Against a local IdP that serves OIDC discovery and rotates its keys (testing.FakeStaffIdp), shared by
 * several municipalities (tenant by the municipality_code claim), whose case-system client gets its
 * token from the caseworkers' issuer.
 */
@QuarkusTest
class IdentityProviderTest {

    private static final String TESTBY_CODE = "901";

    @Test
    void caseworkerTokenFromADiscoveredIssuerIsStaffOfTheTenantItsClaimNames() {
        Api.as(FakeStaffIdp.staffToken(TESTBY_CODE, "idp-kirsten", "Kirsten Kvist", "unit-x")).get("/api/v1/me")
                .then().statusCode(200)
                .body("kind", equalTo("staff"))
                .body("tenant.id", equalTo(TokenTrustTest.TESTBY))
                .body("units[0].id", equalTo(World.UNIT_X));
    }

    @Test
    void clientCredentialsTokenFromTheStaffIssuerIsAServiceCaller() {
        // no name, roles in groups: read as staff it was refused as "a staff token without a name"
        String token = FakeStaffIdp.clientCredentialsToken(TESTBY_CODE, FakeStaffIdp.CASE_SYSTEM_CLIENT,
                "journal-reader");
        Api.as(token).get("/api/v1/me").then().statusCode(200)
                .body("kind", equalTo("service"))
                .body("id", nullValue())
                .body("roles", hasItem("journal-reader"));
        Api.as(token).get("/api/v1/journal/entries").then().statusCode(200);
        Api.as(token).get("/api/v1/conversations").then().statusCode(403);
    }

    @Test
    void appOnlyTokenIsAServiceCaller() {
        Api.as(FakeStaffIdp.appOnlyToken(TESTBY_CODE, "some-integration", "journal-reader")).get("/api/v1/me")
                .then().statusCode(200).body("kind", equalTo("service"));
    }

    @Test
    void staffTokenOfAnotherClientWithoutANameIsStillRefused() {
        String token = FakeStaffIdp.clientCredentialsToken(TESTBY_CODE, "unknown-client", "journal-reader");
        TokenTrustTest.assertUnauthorized(Api.as(token).get("/api/v1/me").then());
    }

    @Test
    void tokenNamingAMunicipalityWithoutATenantIsRefused() {
        TokenTrustTest.assertUnauthorized(Api.as(FakeStaffIdp.staffToken("999", "s", "S", "unit-x"))
                .get("/api/v1/me").then());
        TokenTrustTest.assertUnauthorized(Api.as(FakeStaffIdp.staffToken(null, "s", "S", "unit-x"))
                .get("/api/v1/me").then());
    }

    @Test
    void aRotatedKeyIsPickedUpWithoutRestartAndJunkKeyIdsDoNotHammerTheIdp() throws Exception {
        Api.as(FakeStaffIdp.staffToken(TESTBY_CODE, "rot", "Rita Rot", "unit-x")).get("/api/v1/me").then()
                .statusCode(200);
        FakeStaffIdp.rotate();
        String rotated = FakeStaffIdp.staffToken(TESTBY_CODE, "rot", "Rita Rot", "unit-x");
        // the key set may have been loaded less than 5 s ago (key-refresh-interval PT5S): retry until it may reload
        long deadline = System.nanoTime() + 20_000_000_000L;
        int status;
        do {
            status = Api.as(rotated).get("/api/v1/me").then().extract().statusCode();
            if (status != 200) {
                Thread.sleep(200);
            }
        } while (status != 200 && System.nanoTime() < deadline);
        assertEquals(200, status, "a token signed with the rotated key is accepted");
        int fetches = FakeStaffIdp.keySetFetches();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            TokenTrustTest.assertUnauthorized(
                    Api.as(FakeStaffIdp.staffTokenWithKeyId("junk-" + i, TESTBY_CODE)).get("/api/v1/me").then());
        }
        long allowed = 1 + (System.nanoTime() - start) / 5_000_000_000L;
        int reloads = FakeStaffIdp.keySetFetches() - fetches;
        assertTrue(reloads <= allowed, "20 unknown key ids cost at most one reload per 5 s, not " + reloads);
    }

    @Test
    void refusedTokensAreCountedPerReason() {
        double before = refused("untrusted-issuer");
        TokenTrustTest.assertUnauthorized(Api.as(dk.samtale.testing.Tokens
                .citizenBuilder("testby", Api.CPR_A, "A", dk.samtale.testing.Tokens.SUBSTANTIAL)
                .issuer("https://evil.example").sign("citizen-testby")).get("/api/v1/me").then());
        assertEquals(before + 1, refused("untrusted-issuer"));
        double malformed = refused("malformed");
        TokenTrustTest.assertUnauthorized(Api.as("not.a.jwt").get("/api/v1/me").then());
        assertEquals(malformed + 1, refused("malformed"));
    }

    @Test
    void refusedTokensOverHttpLeaveOneShortLineEachAndNoStackTrace() throws Exception {
        java.nio.file.Path log = java.nio.file.Path.of("target/test-service.log");
        long from = java.nio.file.Files.size(log);
        String junk = FakeStaffIdp.staffTokenWithKeyId("junk", TESTBY_CODE);
        String noTenant = FakeStaffIdp.staffToken("998", "s", "S", "unit-x");
        for (int i = 0; i < 100; i++) {
            Api.as(i % 2 == 0 ? junk : noTenant).get("/api/v1/me").then().statusCode(401);
            Api.as("garbage." + i + ".x").get("/api/v1/conversations").then().statusCode(401);
        }
        String added;
        try (var in = java.nio.file.Files.newInputStream(log)) {
            in.skipNBytes(from);
            added = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(added.contains("token refused: unknown-tenant"), "the reason is logged");
        assertFalse(added.contains("\tat "), "no stack trace");
        assertFalse(added.contains("Exception"), "no exception");
        assertFalse(added.contains(junk) || added.contains(noTenant), "no token");
    }

    static double refused(String reason) {
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200)
                .body(containsString("samtale_auth_refused_total")).extract().asString();
        Matcher m = Pattern.compile("samtale_auth_refused_total\\{reason=\"" + reason + "\"\\} ([0-9.E]+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
