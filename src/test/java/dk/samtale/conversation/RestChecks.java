package dk.samtale.conversation;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.UUID;

import io.restassured.response.ValidatableResponse;

import dk.samtale.testing.Api;

/** Small checks shared by the REST tests of this package. */
final class RestChecks {

    static final String CONVERSATIONS = "/api/v1/conversations";

    private RestChecks() {
    }

    /** An RFC 9457 problem with this status and stable code. */
    static ValidatableResponse problem(ValidatableResponse response, int status, String code) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("code", equalTo(code))
                .body("type", equalTo("urn:samtale:problem:" + code))
                .body("instance", startsWith("/api/v1/"))
                .body("detail", not(containsString("Exception")));
    }

    /** An {@code invalid-field} problem naming this field. */
    static ValidatableResponse invalidField(ValidatableResponse response, String field) {
        return problem(response, 400, "invalid-field").body("errors.field", hasItem(field));
    }

    static ValidatableResponse notFound(ValidatableResponse response) {
        return problem(response, 404, "not-found");
    }

    static String conversation(String id) {
        return CONVERSATIONS + "/" + id;
    }

    static String messages(String id) {
        return CONVERSATIONS + "/" + id + "/messages";
    }

    static String newClientMessageId() {
        return UUID.randomUUID().toString();
    }

    /** The seqs of all messages of a conversation, as this participant sees them. */
    static List<Integer> seqs(String token, String conversationId) {
        return Api.as(token).get(messages(conversationId) + "?after=0&limit=200").then().statusCode(200).extract()
                .path("items.seq");
    }

    /** The ids of the caller's conversations in a list query, e.g. "status=open&view=all". */
    static List<String> listIds(String token, String query) {
        return Api.as(token).get(CONVERSATIONS + "?limit=200" + (query.isEmpty() ? "" : "&" + query)).then()
                .statusCode(200).extract().path("items.id");
    }

    /** The caller's own id (citizen or staff). */
    static String myId(String token) {
        return Api.as(token).get("/api/v1/me").then().statusCode(200).extract().path("id");
    }
}
