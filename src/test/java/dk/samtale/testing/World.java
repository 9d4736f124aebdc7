package dk.samtale.testing;

import java.util.Map;
import java.util.UUID;

/**
 * The test municipality (from db/testdata): tenant "testby" with units X and Y, tenant "andenby" with
 * unit Z, and tokens for people in them.
 */
public final class World {

    public static final String UNIT_X = "00000000-0000-7000-8000-0000000000a1";
    public static final String UNIT_Y = "00000000-0000-7000-8000-0000000000a2";
    public static final String UNIT_Z = "00000000-0000-7000-8000-0000000000b1";
    /** The only unit of "slettetby", whose keys EncryptionAtRestTest destroys. */
    public static final String UNIT_S = "00000000-0000-7000-8000-0000000000c1";

    private World() {
    }

    /** Citizen A of testby. */
    public static String citizenA() {
        return Tokens.citizen("testby", Api.CPR_A, "Anna Andersen");
    }

    /** Citizen B of testby. */
    public static String citizenB() {
        return Tokens.citizen("testby", Api.CPR_B, "Bo Bech");
    }

    /** A citizen of the other tenant. */
    public static String citizenOfAndenby() {
        return Tokens.citizen("andenby", Api.CPR_OTHER_TENANT, "Carl Carlsen");
    }

    /** A caseworker in unit X of testby. */
    public static String staffX() {
        return Tokens.staff("testby", "kirsten", "Kirsten Kvist", "unit-x");
    }

    /** A second caseworker in unit X of testby. */
    public static String staffX2() {
        return Tokens.staff("testby", "lars", "Lars Lund", "unit-x");
    }

    /** A caseworker in unit Y of testby. */
    public static String staffY() {
        return Tokens.staff("testby", "yrsa", "Yrsa Yde", "unit-y");
    }

    /** A caseworker of the other tenant (unit Z). */
    public static String staffOfAndenby() {
        return Tokens.staff("andenby", "zenia", "Zenia Zahle", "unit-z");
    }

    /** Opens a new conversation as this citizen with a unit; returns its id. */
    public static String openConversation(String citizenToken, String unitId) {
        return Api.as(citizenToken).body(Map.of("unitId", unitId, "subject", "Test " + UUID.randomUUID()))
                .post("/api/v1/conversations").then().statusCode(201).extract().path("id");
    }

    /** Sends a message over REST; returns its seq. */
    public static long send(String token, String conversationId, String body) {
        Number seq = Api.as(token).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body))
                .post("/api/v1/conversations/" + conversationId + "/messages").then().statusCode(201).extract()
                .path("seq");
        return seq.longValue();
    }
}
