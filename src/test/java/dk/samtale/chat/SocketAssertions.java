package dk.samtale.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dk.samtale.testing.Api;
import dk.samtale.testing.WsClient;

/** Small checks the socket tests share: the next frame, error frames, liveness and the stored history. */
final class SocketAssertions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SocketAssertions() {
    }

    /** The very next frame, whatever its type. */
    static JsonNode next(WsClient ws) {
        return ws.await(f -> true, "any");
    }

    /** The next frame must be an {@code error} with this code and ref (null: the JSON null). */
    static JsonNode assertError(WsClient ws, String code, String ref) {
        JsonNode f = next(ws);
        assertEquals("error", f.path("type").asText(), () -> "expected an error frame, got " + f);
        assertEquals(code, f.path("code").asText(), () -> "wrong code in " + f);
        assertTrue(f.has("ref"), () -> "error frame without ref: " + f);
        if (ref == null) {
            assertTrue(f.get("ref").isNull(), () -> "expected ref null in " + f);
        } else {
            assertEquals(ref, f.get("ref").asText(), () -> "wrong ref in " + f);
        }
        assertFalse(f.path("message").asText().isBlank(), () -> "error frame without a message: " + f);
        return f;
    }

    /** A send frame; a null value leaves the field out. */
    static Map<String, Object> send(String id, Object conversationId, Object clientMessageId, Object body) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "send");
        if (id != null) {
            frame.put("id", id);
        }
        if (conversationId != null) {
            frame.put("conversationId", conversationId);
        }
        if (clientMessageId != null) {
            frame.put("clientMessageId", clientMessageId);
        }
        if (body != null) {
            frame.put("body", body);
        }
        return frame;
    }

    /**
     * Proves the socket still works: a ping is answered by the matching pong as the next frame, and a
     * valid send by its ack as the next frame. Returns the ack.
     */
    static JsonNode assertStillUsable(WsClient ws, String conversation) {
        assertFalse(ws.isClosed(), "the socket was closed");
        String pingId = "p-" + UUID.randomUUID();
        ws.send(Map.of("type", "ping", "id", pingId));
        JsonNode pong = next(ws);
        assertEquals("pong", pong.path("type").asText(), () -> "expected the pong, got " + pong);
        assertEquals(pingId, pong.path("ref").asText());

        String sendId = "s-" + UUID.randomUUID();
        String clientMessageId = UUID.randomUUID().toString();
        ws.send(send(sendId, conversation, clientMessageId, "still here"));
        JsonNode ack = next(ws);
        assertEquals("ack", ack.path("type").asText(), () -> "expected the ack, got " + ack);
        assertEquals(sendId, ack.path("ref").asText());
        assertEquals(clientMessageId, ack.path("clientMessageId").asText());
        assertEquals(conversation, ack.path("conversationId").asText());
        return ack;
    }

    /** Every stored message of a conversation, read over REST as this participant. */
    static List<JsonNode> history(String token, String conversation) {
        String body = Api.as(token).get("/api/v1/conversations/" + conversation + "/messages?after=0&limit=200")
                .then().statusCode(200).extract().asString();
        try {
            JsonNode page = JSON.readTree(body);
            assertFalse(page.path("hasMore").asBoolean(), "more than 200 messages: the test expects fewer");
            List<JsonNode> items = new ArrayList<>();
            page.path("items").forEach(items::add);
            return items;
        } catch (java.io.IOException e) {
            throw new AssertionError("history is not JSON", e);
        }
    }

    /** The seqs of the stored messages, in the order REST returns them. */
    static List<Long> seqs(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("seq").asLong()).toList();
    }

    /** 1, 2, ..., n. */
    static List<Long> oneTo(int n) {
        List<Long> list = new ArrayList<>(n);
        for (long i = 1; i <= n; i++) {
            list.add(i);
        }
        return list;
    }
}
