package dk.samtale.conversation;

import static dk.samtale.conversation.RestChecks.conversation;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * Who can see which conversation: everybody who is not a participant gets 404 {@code not-found} for
 * every operation on it, exactly as for a conversation that does not exist (never 403, never a hint).
 */
@QuarkusTest
class AccessMatrixTest {

    /** The four participant operations; every one must answer 404 not-found. */
    private static void assertParticipantOperationsNotFound(String token, String id) {
        notFound(Api.as(token).get(conversation(id)).then());
        notFound(Api.as(token).get(messages(id) + "?after=0").then());
        notFound(Api.as(token).body(Map.of("clientMessageId", newClientMessageId(), "body", "Kan du se mig?"))
                .post(messages(id)).then());
        notFound(Api.as(token).body(Map.of("seq", 1)).post(conversation(id) + "/read").then());
    }

    /** The participant operations plus the staff operations assign, close and reopen. */
    private static void assertStaffOperationsNotFound(String token, String id) {
        assertParticipantOperationsNotFound(token, id);
        notFound(Api.as(token).body("{\"staffId\":null}").post(conversation(id) + "/assign").then());
        notFound(Api.as(token).body(Map.of("staffId", myId(token))).post(conversation(id) + "/assign").then());
        notFound(Api.as(token).post(conversation(id) + "/close").then());
        notFound(Api.as(token).post(conversation(id) + "/reopen").then());
    }

    /** A conversation of citizen A with unit X holding one message from A. */
    private static String conversationOfCitizenAWithUnitX() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        World.send(World.citizenA(), id, "Hej, jeg har et spørgsmål");
        return id;
    }

    /**
     * Nothing an outsider tried changed the conversation: still open, one message, unassigned, and
     * nobody has read anything (an outsider's read would show as a counterpart read).
     */
    private static void assertUntouched(String id) {
        assertEquals(List.of(1), seqs(World.citizenA(), id));
        Api.as(World.citizenA()).get(conversation(id)).then().statusCode(200)
                .body("status", equalTo("open"))
                .body("lastSeq", equalTo(1))
                .body("assignee", nullValue())
                .body("counterpartReadSeq", equalTo(0));
        Api.as(World.staffX()).get(conversation(id)).then().statusCode(200)
                .body("counterpartReadSeq", equalTo(0))
                .body("readSeq", equalTo(0))
                .body("unreadCount", equalTo(1));
    }

    @Test
    void participantsSeeTheConversation() {
        // the control for every not-found below
        String id = conversationOfCitizenAWithUnitX();
        Api.as(World.citizenA()).get(conversation(id)).then().statusCode(200).body("id", equalTo(id));
        Api.as(World.staffX()).get(conversation(id)).then().statusCode(200).body("id", equalTo(id));
        Api.as(World.staffX2()).get(conversation(id)).then().statusCode(200).body("id", equalTo(id));
        Api.as(World.staffX2()).get(messages(id)).then().statusCode(200).body("items.seq", equalTo(List.of(1)));
    }

    @Test
    void citizenBGetsNotFoundForCitizenAsConversation() {
        String id = conversationOfCitizenAWithUnitX();
        assertParticipantOperationsNotFound(World.citizenB(), id);
        assertUntouched(id);
    }

    @Test
    void citizenBReusingAClientMessageIdOfItsOwnStillGetsNotFound() {
        // the original-ack lookup of an idempotent retry must not answer for a conversation B cannot see
        String id = conversationOfCitizenAWithUnitX();
        String own = World.openConversation(World.citizenB(), World.UNIT_X);
        String cmid = newClientMessageId();
        Api.as(World.citizenB()).body(Map.of("clientMessageId", cmid, "body", "Min egen")).post(messages(own)).then()
                .statusCode(201);
        notFound(Api.as(World.citizenB()).body(Map.of("clientMessageId", cmid, "body", "Min egen"))
                .post(messages(id)).then());
        assertUntouched(id);
    }

    @Test
    void citizenBGetsForbiddenNotConversationDetailsForStaffOperations() {
        // citizens may never assign, close or reopen: 403 for the kind of caller, whatever the conversation
        String id = conversationOfCitizenAWithUnitX();
        problem(Api.as(World.citizenB()).post(conversation(id) + "/close").then(), 403, "forbidden");
        problem(Api.as(World.citizenB()).post(conversation(UUID.randomUUID().toString()) + "/close").then(), 403,
                "forbidden");
        assertUntouched(id);
    }

    @Test
    void staffOfUnitYGetsNotFoundForUnitXConversation() {
        String id = conversationOfCitizenAWithUnitX();
        assertStaffOperationsNotFound(World.staffY(), id);
        assertUntouched(id);
    }

    @Test
    void staffOfUnitYGetsNotFoundNotConflictForAClosedUnitXConversation() {
        String id = conversationOfCitizenAWithUnitX();
        Api.as(World.staffX()).post(conversation(id) + "/close").then().statusCode(200);
        notFound(Api.as(World.staffY()).body(Map.of("clientMessageId", newClientMessageId(), "body", "Hej"))
                .post(messages(id)).then());
        notFound(Api.as(World.citizenB()).body(Map.of("clientMessageId", newClientMessageId(), "body", "Hej"))
                .post(messages(id)).then());
        notFound(Api.as(World.staffY()).post(conversation(id) + "/reopen").then());
        Api.as(World.staffX()).get(conversation(id)).then().statusCode(200).body("status", equalTo("closed"));
    }

    @Test
    void citizenOfAnotherTenantGetsNotFoundForTestbyConversation() {
        String id = conversationOfCitizenAWithUnitX();
        assertParticipantOperationsNotFound(World.citizenOfAndenby(), id);
        assertUntouched(id);
    }

    @Test
    void staffOfAnotherTenantGetsNotFoundForTestbyConversation() {
        String id = conversationOfCitizenAWithUnitX();
        assertStaffOperationsNotFound(World.staffOfAndenby(), id);
        // also with a token that claims testby's unit external ids: groups only count in the issuer's tenant
        String impostor = Tokens.staff("andenby", "ivan", "Ivan Imposter", "unit-x", "unit-y");
        assertStaffOperationsNotFound(impostor, id);
        assertUntouched(id);
    }

    @Test
    void unknownConversationIdIsNotFoundForEveryone() {
        String unknown = UUID.randomUUID().toString();
        assertParticipantOperationsNotFound(World.citizenA(), unknown);
        assertStaffOperationsNotFound(World.staffX(), unknown);
        assertStaffOperationsNotFound(World.staffOfAndenby(), unknown);
    }

    @Test
    void citizenBsListDoesNotContainCitizenAsConversation() {
        String ofA = World.openConversation(World.citizenA(), World.UNIT_X);
        String ofB = World.openConversation(World.citizenB(), World.UNIT_X);
        List<String> listOfB = listIds(World.citizenB(), "");
        assertFalse(listOfB.contains(ofA), "citizen B's list must not contain citizen A's conversation");
        assertTrue(listOfB.contains(ofB));
        List<String> listOfA = listIds(World.citizenA(), "");
        assertTrue(listOfA.contains(ofA));
        assertFalse(listOfA.contains(ofB));
    }

    @Test
    void staffYsListDoesNotContainUnitXConversationsButStaffXsDoes() {
        String inX = World.openConversation(World.citizenA(), World.UNIT_X);
        String inY = World.openConversation(World.citizenA(), World.UNIT_Y);
        for (String view : List.of("view=all", "view=unassigned")) {
            List<String> ofY = listIds(World.staffY(), view);
            assertFalse(ofY.contains(inX), "staff Y's " + view + " list must not contain a unit X conversation");
            assertTrue(ofY.contains(inY), "staff Y's " + view + " list must contain its unit's conversation");
            List<String> ofX = listIds(World.staffX(), view);
            assertTrue(ofX.contains(inX), "staff X's " + view + " list must contain its unit's conversation");
            assertFalse(ofX.contains(inY), "staff X's " + view + " list must not contain a unit Y conversation");
        }
        Api.as(World.staffX()).post(conversation(inX) + "/close").then().statusCode(200);
        assertFalse(listIds(World.staffY(), "status=closed").contains(inX));
        assertTrue(listIds(World.staffX(), "status=closed").contains(inX));
    }

    @Test
    void listsOfAnotherTenantDoNotContainTestbyConversations() {
        String inX = World.openConversation(World.citizenA(), World.UNIT_X);
        assertFalse(listIds(World.staffOfAndenby(), "").contains(inX));
        assertFalse(listIds(World.citizenOfAndenby(), "").contains(inX));
        assertFalse(listIds(Tokens.staff("andenby", "ivan", "Ivan Imposter", "unit-x"), "")
                .contains(inX));
    }

    @Test
    void nonUuidConversationIdIsAProblemNotAServerError() {
        for (String path : List.of(conversation("not-a-uuid"), messages("not-a-uuid"),
                conversation("12345") + "/read")) {
            Response r = path.endsWith("/read")
                    ? Api.as(World.citizenA()).body(Map.of("seq", 1)).post(path)
                    : Api.as(World.citizenA()).get(path);
            int status = r.statusCode();
            assertTrue(status == 400 || status == 404, path + " answered " + status);
            problem(r.then(), status, status == 404 ? "not-found" : "invalid-field");
        }
    }
}
