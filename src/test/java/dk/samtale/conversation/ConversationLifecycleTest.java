package dk.samtale.conversation;

import static dk.samtale.conversation.RestChecks.CONVERSATIONS;
import static dk.samtale.conversation.RestChecks.conversation;
import static dk.samtale.conversation.RestChecks.invalidField;
import static dk.samtale.conversation.RestChecks.listIds;
import static dk.samtale.conversation.RestChecks.messages;
import static dk.samtale.conversation.RestChecks.myId;
import static dk.samtale.conversation.RestChecks.newClientMessageId;
import static dk.samtale.conversation.RestChecks.notFound;
import static dk.samtale.conversation.RestChecks.problem;
import static dk.samtale.conversation.RestChecks.seqs;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/** Opening, assigning, closing and reopening conversations over REST. */
@QuarkusTest
class ConversationLifecycleTest {

    /** A CPR number no other test uses, so the citizen is new to the service. */
    private static String freshCpr() {
        return String.format("%010d", ThreadLocalRandom.current().nextLong(4_000_000_000L, 9_999_999_999L));
    }

    private static String lookUp(String staffToken, String cpr) {
        return Api.as(staffToken).body(Map.of("cpr", cpr)).post("/api/v1/citizens/lookup").then().statusCode(200)
                .extract().path("id");
    }

    private static void assign(String id, String staffIdJson) {
        Api.as(World.staffX()).body("{\"staffId\":" + staffIdJson + "}").post(conversation(id) + "/assign").then()
                .statusCode(200);
    }

    @Test
    void citizenOpensAConversationWithUnitXAndGetsItsLocation() {
        String subject = "Spørgsmål om praktik";
        ExtractableResponse<Response> created = Api.as(World.citizenA())
                .body(Map.of("unitId", World.UNIT_X, "subject", subject)).post(CONVERSATIONS).then()
                .statusCode(201)
                .body("unit.id", equalTo(World.UNIT_X))
                .body("unit.name", equalTo("Jobcenter – Team Ung"))
                .body("citizen.id", equalTo(myId(World.citizenA())))
                .body("citizen.name", equalTo("Anna Andersen"))
                .body("subject", equalTo(subject))
                .body("status", equalTo("open"))
                .body("assignee", nullValue())
                .body("lastSeq", equalTo(0))
                .body("lastMessageAt", nullValue())
                .body("readSeq", equalTo(0))
                .body("unreadCount", equalTo(0))
                .extract();
        String id = created.path("id");
        String location = created.header("Location");
        assertTrue(location.endsWith("/api/v1/conversations/" + id), location);
        String path = location.substring(location.indexOf("/api/v1/"));
        Api.as(World.citizenA()).get(path).then().statusCode(200).body("id", equalTo(id));
        Api.as(World.staffX()).get(path).then().statusCode(200).body("subject", equalTo(subject));
        assertTrue(listIds(World.citizenA(), "").contains(id));
    }

    @Test
    void citizenCannotOpenAConversationWithAUnitOfAnotherTenantOrAnUnknownUnit() {
        notFound(Api.as(World.citizenA()).body(Map.of("unitId", World.UNIT_Z, "subject", "Hej")).post(CONVERSATIONS)
                .then());
        notFound(Api.as(World.citizenA())
                .body(Map.of("unitId", "00000000-0000-7000-8000-0000000000ff", "subject", "Hej"))
                .post(CONVERSATIONS).then());
    }

    @Test
    void lookingUpTheSameCprTwiceGivesTheSameCitizen() {
        String cpr = freshCpr();
        String first = lookUp(World.staffX(), cpr);
        assertEquals(first, lookUp(World.staffX(), cpr));
        assertEquals(first, lookUp(World.staffY(), cpr));
        assertNotEquals(first, lookUp(World.staffX(), freshCpr()));
        // a citizen who has logged in is found by the CPR of their token
        assertEquals(myId(World.citizenA()), lookUp(World.staffX(), Api.CPR_A));
    }

    @Test
    void aCitizenLookedUpInAnotherTenantIsAnotherCitizen() {
        String cpr = freshCpr();
        assertNotEquals(lookUp(World.staffX(), cpr), lookUp(World.staffOfAndenby(), cpr));
    }

    @Test
    void lookupWithAnInvalidCprIsInvalidField() {
        for (String body : List.of("{\"cpr\":\"12345\"}", "{\"cpr\":\"010101-1111\"}", "{}")) {
            invalidField(Api.as(World.staffX()).body(body).post("/api/v1/citizens/lookup").then(), "cpr");
        }
    }

    @Test
    void staffOpensAConversationWithACitizenFoundByCprAndTheCitizenSeesIt() {
        String cpr = freshCpr();
        String citizenId = lookUp(World.staffX(), cpr);
        ExtractableResponse<Response> created = Api.as(World.staffX())
                .body(Map.of("unitId", World.UNIT_X, "subject", "Opfølgning", "citizenId", citizenId))
                .post(CONVERSATIONS).then().statusCode(201)
                .body("citizen.id", equalTo(citizenId))
                .body("unit.id", equalTo(World.UNIT_X))
                .body("status", equalTo("open"))
                .extract();
        String id = created.path("id");
        assertTrue(created.header("Location").endsWith("/api/v1/conversations/" + id));
        String citizen = Tokens.citizen("testby", cpr, "Nanna Ny");
        assertEquals(citizenId, myId(citizen));
        assertTrue(listIds(citizen, "").contains(id), "the citizen must see the conversation staff opened");
        Api.as(citizen).get(conversation(id)).then().statusCode(200).body("citizen.name", equalTo("Nanna Ny"));
        World.send(citizen, id, "Tak for beskeden");
    }

    @Test
    void staffCannotOpenAConversationInAUnitThatIsNotTheirs() {
        String citizenId = lookUp(World.staffX(), freshCpr());
        String subject = "Forkert enhed " + newClientMessageId();
        Response r = Api.as(World.staffX())
                .body(Map.of("unitId", World.UNIT_Y, "subject", subject, "citizenId", citizenId))
                .post(CONVERSATIONS);
        int status = r.statusCode();
        assertTrue(status == 403 || status == 404, "answered " + status);
        problem(r.then(), status, status == 403 ? "forbidden" : "not-found");
        List<String> subjectsOfY = Api.as(World.staffY()).get(CONVERSATIONS + "?limit=200").then().statusCode(200)
                .extract().path("items.subject");
        assertFalse(subjectsOfY.contains(subject), "nothing may have been created in unit Y");
    }

    @Test
    void staffMustNameAKnownCitizenOfTheirTenant() {
        invalidField(Api.as(World.staffX()).body(Map.of("unitId", World.UNIT_X, "subject", "Uden borger"))
                .post(CONVERSATIONS).then(), "citizenId");
        notFound(Api.as(World.staffX())
                .body(Map.of("unitId", World.UNIT_X, "subject", "Ukendt", "citizenId", UUID.randomUUID()))
                .post(CONVERSATIONS).then());
        String citizenOfAndenby = lookUp(World.staffOfAndenby(), freshCpr());
        notFound(Api.as(World.staffX())
                .body(Map.of("unitId", World.UNIT_X, "subject", "Fremmed", "citizenId", citizenOfAndenby))
                .post(CONVERSATIONS).then());
    }

    @Test
    void staffAssignsToThemselvesAndItShowsInMineNotUnassigned() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        String kirsten = myId(World.staffX());
        assertTrue(listIds(World.staffX(), "view=unassigned").contains(id));
        assertFalse(listIds(World.staffX(), "view=mine").contains(id));

        Api.as(World.staffX()).body(Map.of("staffId", kirsten)).post(conversation(id) + "/assign").then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("assignee.id", equalTo(kirsten))
                .body("assignee.name", equalTo("Kirsten Kvist"));
        Api.as(World.citizenA()).get(conversation(id)).then().statusCode(200).body("assignee.id", equalTo(kirsten));
        assertTrue(listIds(World.staffX(), "view=mine").contains(id));
        assertFalse(listIds(World.staffX(), "view=unassigned").contains(id));
        assertTrue(listIds(World.staffX(), "view=all").contains(id));
        // "mine" is per staff member: a colleague in the same unit does not have it
        assertFalse(listIds(World.staffX2(), "view=mine").contains(id));
        assertTrue(listIds(World.staffX2(), "view=all").contains(id));
    }

    @Test
    void staffAssignsToAColleagueAndUnassignsWithNull() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        String lars = myId(World.staffX2());
        Api.as(World.staffX()).body(Map.of("staffId", lars)).post(conversation(id) + "/assign").then()
                .statusCode(200).body("assignee.id", equalTo(lars)).body("assignee.name", equalTo("Lars Lund"));
        assertTrue(listIds(World.staffX2(), "view=mine").contains(id));
        assertFalse(listIds(World.staffX(), "view=mine").contains(id));

        Api.as(World.staffX()).body("{\"staffId\":null}").post(conversation(id) + "/assign").then()
                .statusCode(200).body("assignee", nullValue());
        Api.as(World.staffX2()).get(conversation(id)).then().statusCode(200).body("assignee", nullValue());
        assertFalse(listIds(World.staffX2(), "view=mine").contains(id));
        assertTrue(listIds(World.staffX(), "view=unassigned").contains(id));
    }

    @Test
    void assigningToAnUnknownStaffIdIsNotFoundAndChangesNothing() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        String kirsten = myId(World.staffX());
        assign(id, "\"" + kirsten + "\"");
        notFound(Api.as(World.staffX()).body(Map.of("staffId", UUID.randomUUID().toString()))
                .post(conversation(id) + "/assign").then());
        // staff of another tenant are unknown here too
        String zenia = myId(World.staffOfAndenby());
        notFound(Api.as(World.staffX()).body(Map.of("staffId", zenia)).post(conversation(id) + "/assign").then());
        Api.as(World.staffX()).get(conversation(id)).then().statusCode(200).body("assignee.id", equalTo(kirsten));
    }

    @Test
    void assignToAStaffIdThatIsNotAUuidIsInvalidField() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        invalidField(Api.as(World.staffX()).body("{\"staffId\":\"not-a-uuid\"}").post(conversation(id) + "/assign")
                .then(), "staffId");
        invalidField(Api.as(World.staffX()).body("{\"staffId\":42}").post(conversation(id) + "/assign").then(),
                "staffId");
        Api.as(World.staffX()).get(conversation(id)).then().statusCode(200).body("assignee", nullValue());
    }

    @Test
    void closingStopsSendingUntilReopened() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        World.send(World.citizenA(), id, "Før lukning");

        Api.as(World.staffX()).post(conversation(id) + "/close").then().statusCode(200)
                .body("id", equalTo(id)).body("status", equalTo("closed"));
        Api.as(World.citizenA()).get(conversation(id)).then().statusCode(200).body("status", equalTo("closed"));
        assertTrue(listIds(World.staffX(), "status=closed").contains(id));
        assertFalse(listIds(World.staffX(), "status=open").contains(id));
        assertTrue(listIds(World.citizenA(), "status=closed").contains(id));
        assertFalse(listIds(World.citizenA(), "").contains(id));

        for (String token : List.of(World.citizenA(), World.staffX())) {
            problem(Api.as(token).body(Map.of("clientMessageId", newClientMessageId(), "body", "Efter lukning"))
                    .post(messages(id)).then(), 409, "conversation-closed");
        }
        assertEquals(List.of(1), seqs(World.staffX(), id));
        // reading stays possible while closed
        Api.as(World.citizenA()).get(messages(id)).then().statusCode(200);

        Api.as(World.staffX()).post(conversation(id) + "/reopen").then().statusCode(200)
                .body("status", equalTo("open"));
        assertTrue(listIds(World.staffX(), "status=open").contains(id));
        assertFalse(listIds(World.staffX(), "status=closed").contains(id));
        assertEquals(2, World.send(World.citizenA(), id, "Efter genåbning"));
        assertEquals(3, World.send(World.staffX(), id, "Velkommen tilbage"));
        assertEquals(List.of(1, 2, 3), seqs(World.citizenA(), id));
    }

    @Test
    void aRetryOfAMessageSentBeforeClosingStillGetsItsOriginalAck() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        String cmid = newClientMessageId();
        Map<String, String> send = Map.of("clientMessageId", cmid, "body", "Sendt lige før lukning");
        String messageId = Api.as(World.citizenA()).body(send).post(messages(id)).then().statusCode(201).extract()
                .path("messageId");
        Api.as(World.staffX()).post(conversation(id) + "/close").then().statusCode(200);
        Api.as(World.citizenA()).body(send).post(messages(id)).then().statusCode(200)
                .body("messageId", equalTo(messageId)).body("seq", equalTo(1));
    }

    @Test
    void closingAndReopeningAreRepeatable() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        Api.as(World.staffX()).post(conversation(id) + "/close").then().statusCode(200)
                .body("status", equalTo("closed"));
        Api.as(World.staffX2()).post(conversation(id) + "/close").then().statusCode(200)
                .body("status", equalTo("closed"));
        Api.as(World.staffX2()).post(conversation(id) + "/reopen").then().statusCode(200)
                .body("status", equalTo("open"));
        Api.as(World.staffX()).post(conversation(id) + "/reopen").then().statusCode(200)
                .body("status", equalTo("open"));
    }

    @Test
    void citizenCannotAssignCloseOrReopen() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        String me = myId(World.citizenA());
        problem(Api.as(World.citizenA()).body(Map.of("staffId", me)).post(conversation(id) + "/assign").then(), 403,
                "forbidden");
        problem(Api.as(World.citizenA()).post(conversation(id) + "/close").then(), 403, "forbidden");
        Api.as(World.staffX()).post(conversation(id) + "/close").then().statusCode(200);
        problem(Api.as(World.citizenA()).post(conversation(id) + "/reopen").then(), 403, "forbidden");
        Api.as(World.citizenA()).get(conversation(id)).then().statusCode(200)
                .body("status", equalTo("closed")).body("assignee", nullValue());
    }

    @Test
    void emptySubjectIsInvalidField() {
        for (String subject : List.of("", "   ")) {
            invalidField(Api.as(World.citizenA()).body(Map.of("unitId", World.UNIT_X, "subject", subject))
                    .post(CONVERSATIONS).then(), "subject");
        }
        invalidField(Api.as(World.citizenA()).body(Map.of("unitId", World.UNIT_X)).post(CONVERSATIONS).then(),
                "subject");
    }

    @Test
    void subjectOf201CharactersIsInvalidFieldAnd200IsAccepted() {
        invalidField(Api.as(World.citizenA()).body(Map.of("unitId", World.UNIT_X, "subject", "s".repeat(201)))
                .post(CONVERSATIONS).then(), "subject");
        Api.as(World.citizenA()).body(Map.of("unitId", World.UNIT_X, "subject", "s".repeat(200)))
                .post(CONVERSATIONS).then().statusCode(201).body("subject", equalTo("s".repeat(200)));
    }

    @Test
    void subjectLengthCountsCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
        Api.as(World.citizenA()).body(Map.of("unitId", World.UNIT_X, "subject", emoji.repeat(200)))
                .post(CONVERSATIONS).then().statusCode(201).body("subject", equalTo(emoji.repeat(200)));
        invalidField(Api.as(World.citizenA()).body(Map.of("unitId", World.UNIT_X, "subject", emoji.repeat(201)))
                .post(CONVERSATIONS).then(), "subject");
    }

    @Test
    void missingUnitIdIsInvalidField() {
        invalidField(Api.as(World.citizenA()).body(Map.of("subject", "Uden enhed")).post(CONVERSATIONS).then(),
                "unitId");
    }

    @Test
    void unitIdThatIsNotAUuidIsInvalidField() {
        invalidField(Api.as(World.citizenA()).body(Map.of("unitId", "unit-x", "subject", "Hej")).post(CONVERSATIONS)
                .then(), "unitId");
    }

    @Test
    void unknownListParametersAreInvalidField() {
        invalidField(Api.as(World.staffX()).get(CONVERSATIONS + "?status=archived").then(), "status");
        invalidField(Api.as(World.staffX()).get(CONVERSATIONS + "?view=everything").then(), "view");
        invalidField(Api.as(World.staffX()).get(CONVERSATIONS + "?limit=0").then(), "limit");
        invalidField(Api.as(World.staffX()).get(CONVERSATIONS + "?limit=201").then(), "limit");
    }
}
