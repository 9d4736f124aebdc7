package dk.samtale.guardian;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dk.samtale.identity.Cpr;
import dk.samtale.testing.Api;
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

    /** A fresh CPR number of someone who is {@code years} old today (birthday {@code daysAgo} days past). */
    static String cprOfAge(int years, int daysAgo) {
        return cprBornOn(LocalDate.now(Cpr.DENMARK).minusYears(years).minusDays(daysAgo));
    }

    /** A fresh CPR number of someone born on that day (1937-2036), with the century digit the table wants. */
    static String cprBornOn(LocalDate born) {
        char century = born.getYear() >= 2000 ? '4' : '0';
        String serial = String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
        String cpr = born.format(DateTimeFormatter.ofPattern("ddMMyy")) + century + serial;
        if (!born.equals(Cpr.birthDate(cpr))) {
            throw new IllegalArgumentException("no CPR for " + born);
        }
        return cpr;
    }

    static String citizen(String cpr, String name) {
        return Tokens.citizen("testby", cpr, name);
    }

    /** The citizen's id, found (or registered) by a caseworker's CPR lookup. */
    static String lookUp(String staffToken, String cpr) {
        return Api.as(staffToken).body(Map.of("cpr", cpr)).post("/api/v1/citizens/lookup").then().statusCode(200)
                .extract().path("id");
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
