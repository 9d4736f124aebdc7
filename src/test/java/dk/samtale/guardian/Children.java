package dk.samtale.guardian;

import java.util.Map;
import java.util.UUID;

import dk.samtale.testing.Api;
import dk.samtale.testing.People;
import dk.samtale.testing.Tokens;

/** Children, guardians and the units of V1116 for the tests of issue 20, part B. */
final class Children {

    static final String UNIT_K = "00000000-0000-7000-8000-0000001116a1";
    static final String UNIT_R = "00000000-0000-7000-8000-0000001116a2";
    static final String UNIT_Q = "00000000-0000-7000-8000-0000001116a3";

    private Children() {
    }

    /** A caseworker of units K and R (children's units) of testby. */
    static String staffK() {
        return Tokens.staff("testby", "karen", "Karen Krogh", "unit-k", "unit-r");
    }

    static String cprOfAge(int years, int daysAgo) {
        return People.cprOfAge(years, daysAgo);
    }

    static String citizen(String cpr, String name) {
        return Tokens.citizen("testby", cpr, name);
    }

    static String lookUp(String staffToken, String cpr) {
        return People.lookUp(staffToken, cpr);
    }

    /** A caseworker opens a conversation with the citizen in a unit; returns its id. */
    static String openWith(String staffToken, String unitId, String citizenId) {
        return Api.as(staffToken)
                .body(Map.of("unitId", unitId, "citizenId", citizenId, "subject", "Samtale " + UUID.randomUUID()))
                .post("/api/v1/conversations").then().statusCode(201).extract().path("id");
    }

    static Map<String, String> message(String body) {
        return Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body);
    }
}
