package dk.samtale.conversation;

import static dk.samtale.conversation.RestChecks.conversation;
import static dk.samtale.conversation.RestChecks.invalidField;
import static dk.samtale.conversation.RestChecks.messages;
import static dk.samtale.conversation.RestChecks.newClientMessageId;
import static dk.samtale.conversation.RestChecks.problem;
import static dk.samtale.conversation.RestChecks.seqs;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

import dk.samtale.testing.Api;
import dk.samtale.testing.World;

/** Sending, paging and reading messages over REST, and every way a send can be refused. */
@QuarkusTest
class RestMessagingTest {

    /** 4000 code points that are 8000 UTF-16 chars: proves code points are counted, not chars. */
    private static final String EMOJI = "\uD83D\uDE00";

    private static ValidatableResponse post(String token, String id, String json) {
        return Api.as(token).body(json).post(messages(id)).then();
    }

    private static ValidatableResponse send(String token, String id, String clientMessageId, String body) {
        return Api.as(token).body(Map.of("clientMessageId", clientMessageId, "body", body)).post(messages(id)).then();
    }

    private static JsonPath page(String token, String id, String query) {
        return Api.as(token).get(messages(id) + (query.isEmpty() ? "" : "?" + query)).then().statusCode(200).extract()
                .jsonPath();
    }

    private static JsonPath view(String token, String id) {
        return Api.as(token).get(conversation(id)).then().statusCode(200).extract().jsonPath();
    }

    private static void read(String token, String id, long seq) {
        Api.as(token).body(Map.of("seq", seq)).post(conversation(id) + "/read").then().statusCode(204);
    }

    /** A conversation with {@code n} messages, alternating citizen A and staff X, starting with A. */
    private static String conversationWith(int n) {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        for (int i = 1; i <= n; i++) {
            World.send(i % 2 == 1 ? World.citizenA() : World.staffX(), id, "besked " + i);
        }
        return id;
    }

    private static List<Integer> seqsOf(JsonPath page) {
        return page.getList("items.seq", Integer.class);
    }

    @Test
    void aRepeatedClientMessageIdGetsStatus200WithTheOriginalAckAndStoresNothing() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        String cmid = newClientMessageId();
        JsonPath first = send(World.citizenA(), id, cmid, "Første gang").statusCode(201)
                .body("clientMessageId", equalTo(cmid))
                .body("conversationId", equalTo(id))
                .body("seq", equalTo(1))
                .extract().jsonPath();
        JsonPath again = send(World.citizenA(), id, cmid, "Første gang").statusCode(200).extract().jsonPath();
        // even with another body, a repeated clientMessageId is the same message
        JsonPath changed = send(World.citizenA(), id, cmid, "Anden tekst").statusCode(200).extract().jsonPath();
        for (JsonPath repeat : List.of(again, changed)) {
            assertEquals(first.getString("messageId"), repeat.getString("messageId"));
            assertEquals(first.getInt("seq"), repeat.getInt("seq"));
            assertEquals(first.getString("createdAt"), repeat.getString("createdAt"));
            assertEquals(first.getString("clientMessageId"), repeat.getString("clientMessageId"));
            assertEquals(first.getString("conversationId"), repeat.getString("conversationId"));
        }
        JsonPath history = page(World.staffX(), id, "after=0");
        assertEquals(List.of(1), seqsOf(history));
        assertEquals("Første gang", history.getString("items[0].body"));
        assertEquals(first.getString("messageId"), history.getString("items[0].id"));
        assertEquals(cmid, history.getString("items[0].clientMessageId"));
        assertEquals(1, view(World.citizenA(), id).getInt("lastSeq"));
    }

    @Test
    void theSameClientMessageIdFromAnotherSenderIsAnotherMessage() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        String cmid = newClientMessageId();
        send(World.citizenA(), id, cmid, "Fra borger").statusCode(201).body("seq", equalTo(1));
        send(World.staffX(), id, cmid, "Fra sagsbehandler").statusCode(201).body("seq", equalTo(2));
        assertEquals(List.of(1, 2), seqs(World.citizenA(), id));
    }

    @Test
    void reusingAClientMessageIdInAnotherConversationIsInvalidFieldNotTheOtherConversationsAck() {
        String first = World.openConversation(World.citizenA(), World.UNIT_X);
        String second = World.openConversation(World.citizenA(), World.UNIT_X);
        String cmid = newClientMessageId();
        send(World.citizenA(), first, cmid, "Til den første").statusCode(201).body("conversationId", equalTo(first));
        invalidField(send(World.citizenA(), second, cmid, "Til den anden"), "clientMessageId");
        assertEquals(List.of(), seqs(World.citizenA(), second));
        assertEquals(List.of(1), seqs(World.citizenA(), first));
    }

    @Test
    void seqIsGapFreeForInterleavedCitizenAndStaffSends() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        List<String> senders = List.of(World.citizenA(), World.staffX(), World.staffX2(), World.citizenA(),
                World.citizenA(), World.staffX());
        List<Long> acked = new ArrayList<>();
        for (int i = 0; i < senders.size(); i++) {
            acked.add(World.send(senders.get(i), id, "besked " + (i + 1)));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), acked);
        JsonPath history = page(World.citizenA(), id, "after=0");
        assertEquals(List.of(1, 2, 3, 4, 5, 6), seqsOf(history));
        assertEquals(List.of("citizen", "staff", "staff", "citizen", "citizen", "staff"),
                history.getList("items.sender.kind"));
        assertEquals(List.of("app", "web", "web", "app", "app", "web"), history.getList("items.channel"));
        assertEquals("Lars Lund", history.getString("items[2].sender.name"));
        assertEquals("besked 4", history.getString("items[3].body"));
        assertEquals(6, view(World.staffX(), id).getInt("lastSeq"));
    }

    @Test
    void pagingAfterASeqIsAscendingWithHasMore() {
        String id = conversationWith(7);
        JsonPath p1 = page(World.citizenA(), id, "after=0&limit=3");
        assertEquals(List.of(1, 2, 3), seqsOf(p1));
        assertTrue(p1.getBoolean("hasMore"));
        JsonPath p2 = page(World.citizenA(), id, "after=3&limit=3");
        assertEquals(List.of(4, 5, 6), seqsOf(p2));
        assertTrue(p2.getBoolean("hasMore"));
        JsonPath p3 = page(World.citizenA(), id, "after=6&limit=3");
        assertEquals(List.of(7), seqsOf(p3));
        assertEquals(false, p3.getBoolean("hasMore"));
        JsonPath exact = page(World.citizenA(), id, "after=4&limit=3");
        assertEquals(List.of(5, 6, 7), seqsOf(exact));
        assertEquals(false, exact.getBoolean("hasMore"));
        JsonPath past = page(World.citizenA(), id, "after=7");
        assertEquals(List.of(), seqsOf(past));
        assertEquals(false, past.getBoolean("hasMore"));
        // without after or before: the newest 50 (here all of them), ascending
        JsonPath all = page(World.staffX(), id, "");
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), seqsOf(all));
        assertEquals(false, all.getBoolean("hasMore"));
    }

    /**
     * A client opening a conversation wants the newest messages first, not the oldest: with neither after
     * nor before the page is the newest (as if before = the end), ascending; it pages back with before =
     * the first seq it holds.
     */
    @Test
    void withoutAfterOrBeforeThePageIsTheNewestAscendingAndPagesBackWithBefore() {
        String id = conversationWith(7);
        JsonPath newest = page(World.citizenA(), id, "limit=3");
        assertEquals(List.of(5, 6, 7), seqsOf(newest));
        assertTrue(newest.getBoolean("hasMore"));
        JsonPath back = page(World.citizenA(), id, "before=5&limit=3");
        assertEquals(List.of(2, 3, 4), seqsOf(back));
        assertTrue(back.getBoolean("hasMore"));
        assertEquals(List.of(1), seqsOf(page(World.citizenA(), id, "before=2&limit=3")));
    }

    @Test
    void pagingBeforeASeqReturnsTheMessagesJustBeforeItAscending() {
        String id = conversationWith(7);
        JsonPath newest = page(World.staffX(), id, "before=8&limit=3");
        assertEquals(List.of(5, 6, 7), seqsOf(newest));
        assertTrue(newest.getBoolean("hasMore"));
        JsonPath middle = page(World.staffX(), id, "before=6&limit=3");
        assertEquals(List.of(3, 4, 5), seqsOf(middle));
        assertTrue(middle.getBoolean("hasMore"));
        JsonPath exact = page(World.staffX(), id, "before=4&limit=3");
        assertEquals(List.of(1, 2, 3), seqsOf(exact));
        assertEquals(false, exact.getBoolean("hasMore"));
        JsonPath oldest = page(World.staffX(), id, "before=3&limit=3");
        assertEquals(List.of(1, 2), seqsOf(oldest));
        assertEquals(false, oldest.getBoolean("hasMore"));
        JsonPath none = page(World.staffX(), id, "before=1");
        assertEquals(List.of(), seqsOf(none));
        assertEquals(false, none.getBoolean("hasMore"));
    }

    @Test
    void pageLimitOutside1To200IsInvalidField() {
        String id = conversationWith(1);
        invalidField(Api.as(World.citizenA()).get(messages(id) + "?after=0&limit=0").then(), "limit");
        invalidField(Api.as(World.citizenA()).get(messages(id) + "?after=0&limit=201").then(), "limit");
        invalidField(Api.as(World.citizenA()).get(messages(id) + "?before=2&limit=-1").then(), "limit");
        assertEquals(List.of(1), seqsOf(page(World.citizenA(), id, "after=0&limit=200")));
        assertEquals(List.of(1), seqsOf(page(World.citizenA(), id, "after=0&limit=1")));
    }

    @Test
    void afterAndBeforeTogetherAreInvalidField() {
        String id = conversationWith(3);
        Response r = Api.as(World.citizenA()).get(messages(id) + "?after=0&before=3");
        problem(r.then(), 400, "invalid-field");
    }

    @Test
    void markingReadMovesTheReadersCursorAndTheOtherSidesCounterpart() {
        // seq 1 from citizen A, seq 2 and 3 from staff X
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        World.send(World.citizenA(), id, "en");
        World.send(World.staffX(), id, "to");
        World.send(World.staffX(), id, "tre");
        JsonPath citizen = view(World.citizenA(), id);
        assertEquals(0, citizen.getInt("readSeq"));
        assertEquals(2, citizen.getInt("unreadCount"));
        assertEquals(0, view(World.staffX(), id).getInt("counterpartReadSeq"));

        read(World.citizenA(), id, 2);
        citizen = view(World.citizenA(), id);
        assertEquals(2, citizen.getInt("readSeq"));
        assertEquals(1, citizen.getInt("unreadCount"));
        assertEquals(2, view(World.staffX(), id).getInt("counterpartReadSeq"));
        assertEquals(2, view(World.staffX2(), id).getInt("counterpartReadSeq"));

        // a lower seq never moves it back
        read(World.citizenA(), id, 1);
        assertEquals(2, view(World.citizenA(), id).getInt("readSeq"));
        assertEquals(2, view(World.staffX(), id).getInt("counterpartReadSeq"));

        // a seq beyond the last message is capped at lastSeq
        read(World.citizenA(), id, 99);
        citizen = view(World.citizenA(), id);
        assertEquals(3, citizen.getInt("readSeq"));
        assertEquals(0, citizen.getInt("unreadCount"));
        assertEquals(3, view(World.staffX(), id).getInt("counterpartReadSeq"));
        assertEquals(List.of(1, 2, 3), seqs(World.citizenA(), id));

        // the staff side: its own cursor, and the citizen sees it as counterpart
        JsonPath staff = view(World.staffX(), id);
        assertEquals(0, staff.getInt("readSeq"));
        assertEquals(1, staff.getInt("unreadCount"));
        assertEquals(0, view(World.citizenA(), id).getInt("counterpartReadSeq"));
        read(World.staffX(), id, 3);
        staff = view(World.staffX(), id);
        assertEquals(3, staff.getInt("readSeq"));
        assertEquals(0, staff.getInt("unreadCount"));
        assertEquals(3, view(World.citizenA(), id).getInt("counterpartReadSeq"));
        // cursors are per person: a colleague has read nothing yet
        assertEquals(0, view(World.staffX2(), id).getInt("readSeq"));
    }

    @Test
    void aNewMessageAfterReadingIsUnreadAgain() {
        String id = conversationWith(2);
        read(World.citizenA(), id, 2);
        assertEquals(0, view(World.citizenA(), id).getInt("unreadCount"));
        World.send(World.staffX(), id, "Ny besked");
        JsonPath citizen = view(World.citizenA(), id);
        assertEquals(2, citizen.getInt("readSeq"));
        assertEquals(1, citizen.getInt("unreadCount"));
        assertEquals(3, citizen.getInt("lastSeq"));
    }

    @Test
    void markReadWithoutAValidSeqIsABadRequest() {
        String id = conversationWith(2);
        invalidField(Api.as(World.citizenA()).body("{}").post(conversation(id) + "/read").then(), "seq");
        invalidField(Api.as(World.citizenA()).body("{\"seq\":-1}").post(conversation(id) + "/read").then(), "seq");
        problem(Api.as(World.citizenA()).body("{\"seq\":").post(conversation(id) + "/read").then(), 400,
                "malformed-json");
        // valid JSON, wrong type: the field is invalid, the JSON is not malformed (as on the WebSocket)
        invalidField(Api.as(World.citizenA()).body("{\"seq\":\"two\"}").post(conversation(id) + "/read").then(),
                "seq");
        assertEquals(0, view(World.citizenA(), id).getInt("readSeq"));
        assertEquals(0, view(World.staffX(), id).getInt("counterpartReadSeq"));
    }

    // --- bad input: each is a problem with its stable code, and nothing is stored ---

    /** A conversation with one message (seq 1), to show that bad sends add nothing. */
    private static String conversationWithOneMessage() {
        return conversationWith(1);
    }

    private static void assertStillOneMessage(String id) {
        assertEquals(List.of(1), seqs(World.staffX(), id));
        assertEquals(1, view(World.citizenA(), id).getInt("lastSeq"));
    }

    @Test
    void malformedJsonIsRefusedWithMalformedJson() {
        String id = conversationWithOneMessage();
        problem(post(World.citizenA(), id, "{\"clientMessageId\": \"" + newClientMessageId() + "\", \"body\": "),
                400, "malformed-json");
        problem(post(World.citizenA(), id, "not json at all"), 400, "malformed-json");
        problem(post(World.citizenA(), id, "[\"body\"]"), 400, "malformed-json");
        assertStillOneMessage(id);
    }

    @Test
    void emptyOrWhitespaceBodyIsRefusedWithBodyEmpty() {
        String id = conversationWithOneMessage();
        for (String body : List.of("", "   ", " \n\t ")) {
            problem(send(World.citizenA(), id, newClientMessageId(), body), 400, "body-empty");
        }
        assertStillOneMessage(id);
    }

    @Test
    void bodyOf4001CodePointsIsRefusedWithBodyTooLong() {
        String id = conversationWithOneMessage();
        problem(send(World.citizenA(), id, newClientMessageId(), "a".repeat(4001)), 400, "body-too-long");
        problem(send(World.citizenA(), id, newClientMessageId(), EMOJI.repeat(4001)), 400, "body-too-long");
        assertStillOneMessage(id);
    }

    @Test
    void bodyOfExactly4000CodePointsIsAccepted() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        send(World.citizenA(), id, newClientMessageId(), "a".repeat(4000)).statusCode(201).body("seq", equalTo(1));
        String emoji = EMOJI.repeat(4000);
        assertEquals(8000, emoji.length());
        send(World.citizenA(), id, newClientMessageId(), emoji).statusCode(201).body("seq", equalTo(2));
        JsonPath history = page(World.staffX(), id, "after=0");
        assertEquals("a".repeat(4000), history.getString("items[0].body"));
        assertEquals(emoji, history.getString("items[1].body"));
    }

    @Test
    void missingOrInvalidClientMessageIdIsInvalidField() {
        String id = conversationWithOneMessage();
        invalidField(post(World.citizenA(), id, "{\"body\":\"Hej\"}"), "clientMessageId");
        for (String cmid : List.of("", "has spaces", "x".repeat(65), "semi;colon", "æøå")) {
            invalidField(send(World.citizenA(), id, cmid, "Hej"), "clientMessageId");
        }
        assertStillOneMessage(id);
    }

    @Test
    void clientMessageIdOf64AllowedCharactersIsAccepted() {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        String cmid = ("Az09._:-" + newClientMessageId()).substring(0, 44) + "x".repeat(20);
        assertEquals(64, cmid.length());
        send(World.citizenA(), id, cmid, "Hej").statusCode(201).body("clientMessageId", equalTo(cmid));
    }

    @Test
    void aMissingOrNullBodyFieldIsBodyEmptyAsOnTheWebSocket() {
        String id = conversationWithOneMessage();
        problem(post(World.citizenA(), id, "{\"clientMessageId\":\"" + newClientMessageId() + "\"}"), 400,
                "body-empty");
        problem(post(World.citizenA(), id, "{\"clientMessageId\":\"" + newClientMessageId() + "\",\"body\":null}"),
                400, "body-empty");
        assertStillOneMessage(id);
    }

    @Test
    void wrongJsonTypesAreInvalidFieldNamingTheFieldAsOnTheWebSocket() {
        String id = conversationWithOneMessage();
        String cmid = newClientMessageId();
        for (String json : List.of("{\"clientMessageId\":\"" + cmid + "\",\"body\":42}",
                "{\"clientMessageId\":\"" + cmid + "\",\"body\":true}",
                "{\"clientMessageId\":\"" + cmid + "\",\"body\":{\"text\":\"Hej\"}}",
                "{\"clientMessageId\":\"" + cmid + "\",\"body\":[\"Hej\"]}")) {
            invalidField(post(World.citizenA(), id, json), "body");
        }
        invalidField(post(World.citizenA(), id, "{\"clientMessageId\":12345,\"body\":\"Hej\"}"), "clientMessageId");
        // a document of the wrong shape as a whole names no field: malformed
        problem(post(World.citizenA(), id, "\"Hej\""), 400, "malformed-json");
        assertStillOneMessage(id);
    }

    @Test
    void textPlainIsRefusedWithUnsupportedMediaType() {
        String id = conversationWithOneMessage();
        String json = "{\"clientMessageId\":\"" + newClientMessageId() + "\",\"body\":\"Hej\"}";
        problem(Api.as(World.citizenA()).contentType("text/plain").body(json).post(messages(id)).then(), 415,
                "unsupported-media-type");
        assertStillOneMessage(id);
    }

    @Test
    void missingRequestBodyIsABadRequest() {
        String id = conversationWithOneMessage();
        Response r = Api.as(World.citizenA()).post(messages(id));
        assertEquals(400, r.statusCode());
        String code = r.then().contentType("application/problem+json").extract().path("code");
        assertTrue(List.of("invalid-field", "malformed-json").contains(code), code);
        problem(post(World.citizenA(), id, "null"), 400, code);
        assertStillOneMessage(id);
    }
}
