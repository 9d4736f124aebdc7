package dk.samtale.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * The close codes of asyncapi.yaml's table, as RFC 6455 defines them, seen by a real WebSocket client:
 * 1003 for a binary frame, 1007 for text that is not UTF-8, 1009 for a message over 64 KiB, also when it
 * comes as one single frame of 300 KiB (before: the connection was dropped, 1006).
 */
@QuarkusTest
class SocketCloseCodesTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBinaryFrameClosesWith1003() {
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.sendBinary(utf8("{\"type\":\"ping\",\"id\":\"binary\"}"));
            assertEquals(1003, ws.awaitClose());
            ws.drain()
                    .forEach(f -> assertFalse("pong".equals(f.path("type").asText()), "the binary frame was handled"));
        }
    }

    @Test
    void textThatIsNotUtf8ClosesWith1007AndIsNotHandled() {
        byte[] frame = utf8("{\"type\":\"ping\",\"id\":\"bad-\"}");
        // 0xC3 0x28: a two-byte lead followed by a byte that cannot continue it, inside the id
        byte[] broken = new byte[frame.length + 2];
        int at = "{\"type\":\"ping\",\"id\":\"bad-".length();
        System.arraycopy(frame, 0, broken, 0, at);
        broken[at] = (byte) 0xC3;
        broken[at + 1] = (byte) 0x28;
        System.arraycopy(frame, at, broken, at + 2, frame.length - at);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.sendTextBytes(broken, true, true);
            assertEquals(1007, ws.awaitClose());
            ws.drain().forEach(f -> assertFalse("pong".equals(f.path("type").asText()), "the broken text was handled"));
        }
    }

    @Test
    void aMessageEndingInsideACharacterAcrossFragmentsClosesWith1007() {
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.sendTextBytes(utf8("{\"type\":\"ping\",\"id\":\"x\"}"), true, false);
            ws.sendTextBytes(new byte[]{(byte) 0xE2, (byte) 0x82}, false, true); // € cut after two of three bytes
            assertEquals(1007, ws.awaitClose());
        }
    }

    @Test
    void aCharacterSplitAcrossTwoFragmentsIsValidText() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        byte[] whole = utf8("{\"type\":\"ping\",\"id\":\"bl\u00e5b\u00e6r\"}");
        int split = "{\"type\":\"ping\",\"id\":\"bl".length() + 1; // inside the two bytes of å
        byte[] first = java.util.Arrays.copyOfRange(whole, 0, split);
        byte[] rest = java.util.Arrays.copyOfRange(whole, split, whole.length);
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.sendTextBytes(first, true, false);
            ws.sendTextBytes(rest, false, true);
            JsonNode pong = ws.await("pong");
            assertEquals("bl\u00e5b\u00e6r", pong.path("ref").asText());
            // a real U+FFFD (valid UTF-8) is text like any other
            ws.sendTextBytes(utf8("{\"type\":\"ping\",\"id\":\"\uFFFD\"}"), true, true);
            assertEquals("\uFFFD", ws.await("pong").path("ref").asText());
            SocketAssertions.assertStillUsable(ws, conversation);
        }
    }

    @Test
    void aSingle300KibFrameClosesWith1009() {
        String frame = "{\"type\":\"ping\",\"id\":\"huge\",\"padding\":\"" + "x".repeat(300 * 1024) + "\"}";
        // as a browser sends it: one single frame, not fragmented
        try (WsClient ws = WsClient.connectSendingFramesUpTo(World.citizenA(), 512 * 1024)) {
            ws.sendRaw(frame);
            assertEquals(1009, ws.awaitClose());
            ws.drain().forEach(f -> assertFalse("pong".equals(f.path("type").asText()), "the big frame was handled"));
        }
    }
}
