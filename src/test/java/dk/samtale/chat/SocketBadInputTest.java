package dk.samtale.chat;

import static dk.samtale.chat.SocketAssertions.assertError;
import static dk.samtale.chat.SocketAssertions.assertStillUsable;
import static dk.samtale.chat.SocketAssertions.history;
import static dk.samtale.chat.SocketAssertions.next;
import static dk.samtale.chat.SocketAssertions.oneTo;
import static dk.samtale.chat.SocketAssertions.send;
import static dk.samtale.chat.SocketAssertions.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * Every kind of bad client frame is answered with an {@code error} frame carrying the stable code
 * (and the frame's id as {@code ref}), stores nothing, and leaves the socket open and working.
 */
@QuarkusTest
class SocketBadInputTest {

    @Test
    void textThatIsNotJsonIsMalformedJsonWithRefNullAndTheSocketStaysUsable() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.sendRaw("{oops");
            assertError(ws, "malformed-json", null);
            assertStillUsable(ws, conversation);
        }
        assertEquals(1, history(World.citizenA(), conversation).size());
    }

    @Test
    void aFrameWithDuplicateKeysIsMalformedJsonAndNothingIsStored() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.sendRaw("{\"type\":\"send\",\"conversationId\":\"" + conversation
                    + "\",\"clientMessageId\":\"dup\",\"body\":\"a\",\"body\":\"b\"}");
            assertError(ws, "malformed-json", null);
            ws.sendRaw("{\"type\":\"read\",\"conversationId\":\"" + conversation + "\",\"seq\":1,\"seq\":2}");
            assertError(ws, "malformed-json", null);
            assertStillUsable(ws, conversation);
        }
        assertEquals(1, history(World.citizenA(), conversation).size());
    }

    @Test
    void jsonThatIsNotAnObjectIsMalformedJson() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            for (String notAnObject : List.of("[{\"type\":\"ping\",\"id\":\"in-array\"}]", "\"ping\"", "42", "null",
                    "true", "")) {
                ws.sendRaw(notAnObject);
                assertError(ws, "malformed-json", null);
            }
            assertStillUsable(ws, conversation);
        }
        assertEquals(1, history(World.citizenA(), conversation).size());
    }

    @Test
    void anUnknownFrameTypeIsUnknownFrameTypeWithTheFramesIdAsRef() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.send(Map.of("type", "shout", "id", "u-1", "conversationId", conversation, "clientMessageId", "x-1",
                    "body", "HALLO"));
            assertError(ws, "unknown-frame-type", "u-1");
            ws.send(Map.of("type", "SEND", "conversationId", conversation, "clientMessageId", "x-2", "body", "hej"));
            assertError(ws, "unknown-frame-type", null);
            assertStillUsable(ws, conversation);
        }
        assertEquals(1, history(World.citizenA(), conversation).size());
    }

    @Test
    void aFrameWithoutTypeIsInvalidField() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.send(Map.of("id", "t-1", "conversationId", conversation, "clientMessageId", "x-1", "body", "hej"));
            assertError(ws, "invalid-field", "t-1");
            assertStillUsable(ws, conversation);
        }
        assertEquals(1, history(World.citizenA(), conversation).size());
    }

    @Test
    void sendWithAMissingOrMistypedFieldIsInvalidFieldWithRef() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.send(send("no-conversation", null, "x-1", "hej"));
            assertError(ws, "invalid-field", "no-conversation");
            ws.send(send("bad-uuid", "not-a-uuid", "x-2", "hej"));
            assertError(ws, "invalid-field", "bad-uuid");
            ws.send(send("conversation-number", 17, "x-3", "hej"));
            assertError(ws, "invalid-field", "conversation-number");
            ws.send(send("no-client-id", conversation, null, "hej"));
            assertError(ws, "invalid-field", "no-client-id");
            ws.send(send("client-id-bad-chars", conversation, "has spaces/and slashes", "hej"));
            assertError(ws, "invalid-field", "client-id-bad-chars");
            ws.send(send("client-id-too-long", conversation, "c".repeat(65), "hej"));
            assertError(ws, "invalid-field", "client-id-too-long");
            ws.send(send("body-number", conversation, "x-4", 42));
            assertError(ws, "invalid-field", "body-number");
            assertStillUsable(ws, conversation);
        }
        assertEquals(1, history(World.citizenA(), conversation).size());
    }

    /** The same rule as REST: a missing or null body is an empty message, whatever the type of the frame. */
    @Test
    void sendWithAMissingOrNullBodyIsBodyEmptyAsOnRest() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.send(send("no-body", conversation, "x-5", null));
            assertError(ws, "body-empty", "no-body");
            ws.sendRaw("{\"type\":\"send\",\"id\":\"null-body\",\"conversationId\":\"" + conversation
                    + "\",\"clientMessageId\":\"x-6\",\"body\":null}");
            assertError(ws, "body-empty", "null-body");
            assertStillUsable(ws, conversation);
        }
        assertEquals(1, history(World.citizenA(), conversation).size());
    }

    @Test
    void otherFramesWithAMissingOrInvalidFieldAreInvalidField() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.send(Map.of("type", "typing", "id", "typing-without-conversation"));
            assertError(ws, "invalid-field", "typing-without-conversation");
            ws.send(Map.of("type", "read", "id", "read-negative", "conversationId", conversation, "seq", -1));
            assertError(ws, "invalid-field", "read-negative");
            ws.send(Map.of("type", "delivered", "id", "delivered-string", "conversationId", conversation, "seq", "3"));
            assertError(ws, "invalid-field", "delivered-string");
            // an id that is not a string of at most 64 characters cannot be echoed
            ws.send(Map.of("type", "ping", "id", "i".repeat(65)));
            assertError(ws, "invalid-field", null);
            ws.send(Map.of("type", "ping", "id", 7));
            assertError(ws, "invalid-field", null);
            assertStillUsable(ws, conversation);
        }
        assertEquals(1, history(World.citizenA(), conversation).size());
    }

    @Test
    void anEmptyOrWhitespaceBodyIsBodyEmpty() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.send(send("empty", conversation, "x-1", ""));
            assertError(ws, "body-empty", "empty");
            ws.send(send("blank", conversation, "x-2", "  \n\t \u00a0 "));
            assertError(ws, "body-empty", "blank");
            assertStillUsable(ws, conversation);
        }
        assertEquals(1, history(World.citizenA(), conversation).size());
    }

    @Test
    void aBodyOver4000CharactersIsBodyTooLongAndExactly4000IsAccepted() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.send(send("too-long", conversation, "x-1", "a".repeat(4001)));
            assertError(ws, "body-too-long", "too-long");
            // characters are Unicode code points: 4001 emoji are too long, 4000 (8000 UTF-16 units) are not
            ws.send(send("too-long-emoji", conversation, "x-2", "\uD83D\uDE00".repeat(4001)));
            assertError(ws, "body-too-long", "too-long-emoji");
            assertStillUsable(ws, conversation);

            ws.send(send("exactly-4000", conversation, "x-3", "b".repeat(4000)));
            JsonNode ack = next(ws);
            assertEquals("ack", ack.path("type").asText(), () -> "expected an ack, got " + ack);
            assertEquals("exactly-4000", ack.path("ref").asText());
            ws.send(send("exactly-4000-emoji", conversation, "x-4", "\uD83D\uDE00".repeat(4000)));
            JsonNode emojiAck = next(ws);
            assertEquals("ack", emojiAck.path("type").asText(), () -> "expected an ack, got " + emojiAck);
            assertEquals("exactly-4000-emoji", emojiAck.path("ref").asText());
        }
        List<JsonNode> stored = history(World.citizenA(), conversation);
        assertEquals(3, stored.size());
        assertEquals("b".repeat(4000), stored.get(1).path("body").asText());
        assertEquals("\uD83D\uDE00".repeat(4000), stored.get(2).path("body").asText());
    }

    @Test
    void sendToAnUnknownConversationIsNotFoundNamingTheConversation() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String unknown = UUID.randomUUID().toString();
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.send(send("s-unknown", unknown, "x-1", "Hallo?"));
            JsonNode error = assertError(ws, "not-found", "s-unknown");
            assertEquals(unknown, error.path("conversationId").asText());
            assertStillUsable(ws, conversation);
        }
        assertEquals(1, history(World.citizenA(), conversation).size());
    }

    @Test
    void sendToAClosedConversationIsConversationClosed() {
        String closed = World.openConversation(World.citizenA(), World.UNIT_X);
        World.send(World.citizenA(), closed, "før lukning");
        Api.as(World.staffX()).post("/api/v1/conversations/" + closed + "/close").then().statusCode(200);
        String open = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.send(send("s-closed", closed, "x-1", "Er der nogen?"));
            JsonNode error = assertError(ws, "conversation-closed", "s-closed");
            assertEquals(closed, error.path("conversationId").asText());
            assertStillUsable(ws, open);
        }
        assertEquals(1, history(World.citizenA(), closed).size());
        assertEquals(1, history(World.citizenA(), open).size());
    }

    @Test
    void resumeWithNoOrMoreThan100EntriesIsInvalidField() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        World.send(World.staffX(), conversation, "hej");
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.send(Map.of("type", "resume", "id", "r-empty", "conversations", List.of()));
            assertError(ws, "invalid-field", "r-empty");
            List<Map<String, Object>> tooMany = new ArrayList<>();
            for (int i = 0; i < 101; i++) {
                tooMany.add(Map.of("conversationId", conversation, "afterSeq", 0));
            }
            ws.send(Map.of("type", "resume", "id", "r-101", "conversations", tooMany));
            assertError(ws, "invalid-field", "r-101");
            ws.send(Map.of("type", "resume", "id", "r-missing"));
            assertError(ws, "invalid-field", "r-missing");
            ws.send(Map.of("type", "resume", "id", "r-bad-entry", "conversations",
                    List.of(Map.of("conversationId", conversation, "afterSeq", -1))));
            assertError(ws, "invalid-field", "r-bad-entry");
            // neither sent messages nor a synced frame: the next frames are the pong and the ack
            assertStillUsable(ws, conversation);
        }
        assertEquals(2, history(World.citizenA(), conversation).size());
    }

    @Test
    void resumeNamingAForeignConversationReportsNotFoundForItAndStillSyncsTheOthers() {
        String mine = World.openConversation(World.citizenA(), World.UNIT_X);
        World.send(World.staffX(), mine, "en");
        World.send(World.citizenA(), mine, "to");
        String mineEmpty = World.openConversation(World.citizenA(), World.UNIT_Y);
        String foreign = World.openConversation(World.citizenB(), World.UNIT_X);
        World.send(World.citizenB(), foreign, "privat");
        String unknown = UUID.randomUUID().toString();
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.send(Map.of("type", "resume", "id", "r-1", "conversations",
                    List.of(Map.of("conversationId", mine, "afterSeq", 0),
                            Map.of("conversationId", foreign, "afterSeq", 0),
                            Map.of("conversationId", unknown, "afterSeq", 0),
                            Map.of("conversationId", mineEmpty, "afterSeq", 0))));
            List<JsonNode> messages = new ArrayList<>();
            List<JsonNode> errors = new ArrayList<>();
            JsonNode synced = null;
            for (int i = 0; i < 10 && synced == null; i++) {
                JsonNode f = next(ws);
                switch (f.path("type").asText()) {
                    case "message" -> messages.add(f.path("message"));
                    case "error" -> errors.add(f);
                    case "synced" -> synced = f;
                    default -> throw new AssertionError("unexpected frame " + f);
                }
            }
            assertTrue(synced != null, "no synced frame");
            assertEquals(List.of("en", "to"), messages.stream().map(m -> m.path("body").asText()).toList());
            messages.forEach(m -> assertEquals(mine, m.path("conversationId").asText()));

            assertEquals(2, errors.size(), () -> "expected one error per invisible conversation: " + errors);
            assertEquals(List.of(foreign, unknown),
                    errors.stream().map(e -> e.path("conversationId").asText()).toList());
            for (JsonNode e : errors) {
                assertEquals("not-found", e.path("code").asText());
                assertEquals("r-1", e.path("ref").asText());
            }
            // a foreign conversation looks exactly like one that does not exist
            assertEquals(errors.get(0).path("message"), errors.get(1).path("message"));

            assertEquals("r-1", synced.path("ref").asText());
            JsonNode cursors = synced.path("conversations");
            assertEquals(2, cursors.size(), () -> "synced must list only the visible conversations: " + cursors);
            assertEquals(mine, cursors.get(0).path("conversationId").asText());
            assertEquals(2, cursors.get(0).path("lastSeq").asLong());
            assertTrue(cursors.get(0).path("complete").asBoolean());
            assertEquals(mineEmpty, cursors.get(1).path("conversationId").asText());
            assertEquals(0, cursors.get(1).path("lastSeq").asLong());
            assertTrue(cursors.get(1).path("complete").asBoolean());
            assertFalse(synced.toString().contains(foreign), "synced mentions the foreign conversation");

            assertStillUsable(ws, mine);
        }
        assertEquals(3, history(World.citizenA(), mine).size());
        assertEquals(1, history(World.citizenB(), foreign).size());
    }

    @Test
    void messagesAcknowledgedBeforeBadFramesAreAllStillInTheHistoryOnceEach() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        List<String> acknowledged = new ArrayList<>();
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            for (int i = 1; i <= 3; i++) {
                String clientMessageId = "before-" + i + "-" + UUID.randomUUID();
                ws.send(send("ok-" + i, conversation, clientMessageId, "besked " + i));
                JsonNode ack = next(ws);
                assertEquals("ack", ack.path("type").asText(), () -> "expected an ack, got " + ack);
                assertEquals(i, ack.path("seq").asLong());
                acknowledged.add(clientMessageId);
            }

            ws.sendRaw("{oops");
            assertError(ws, "malformed-json", null);
            ws.sendRaw("[1,2,3]");
            assertError(ws, "malformed-json", null);
            ws.send(Map.of("type", "shout", "id", "b-1"));
            assertError(ws, "unknown-frame-type", "b-1");
            ws.send(Map.of("id", "b-2", "conversationId", conversation));
            assertError(ws, "invalid-field", "b-2");
            ws.send(send("b-3", "nope", "x-1", "hej"));
            assertError(ws, "invalid-field", "b-3");
            ws.send(send("b-4", conversation, null, "hej"));
            assertError(ws, "invalid-field", "b-4");
            ws.send(send("b-5", conversation, "x-2", 4711));
            assertError(ws, "invalid-field", "b-5");
            ws.send(send("b-6", conversation, "x-3", " "));
            assertError(ws, "body-empty", "b-6");
            ws.send(send("b-7", conversation, "x-4", "z".repeat(4001)));
            assertError(ws, "body-too-long", "b-7");
            ws.send(send("b-8", UUID.randomUUID().toString(), "x-5", "hej"));
            assertError(ws, "not-found", "b-8");
            ws.send(Map.of("type", "resume", "id", "b-9", "conversations", List.of()));
            assertError(ws, "invalid-field", "b-9");
            // a repeat of an acknowledged clientMessageId after all that still gets the original ack
            ws.send(send("again", conversation, acknowledged.get(1), "besked 2"));
            JsonNode repeat = next(ws);
            assertEquals("ack", repeat.path("type").asText(), () -> "expected an ack, got " + repeat);
            assertEquals(2, repeat.path("seq").asLong());

            JsonNode last = assertStillUsable(ws, conversation);
            assertEquals(4, last.path("seq").asLong());
            acknowledged.add(last.path("clientMessageId").asText());
        }
        List<JsonNode> stored = history(World.citizenA(), conversation);
        assertEquals(oneTo(4), seqs(stored));
        assertEquals(acknowledged, stored.stream().map(m -> m.path("clientMessageId").asText()).toList());
        assertEquals(List.of("besked 1", "besked 2", "besked 3", "still here"),
                stored.stream().map(m -> m.path("body").asText()).toList());
    }
}
