package dk.samtale.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

/**
 * The UTF-8 check behind close code 1007 agrees with the JDK's strict decoder on every input, whole or
 * split into two fragments at any byte; SocketCloseCodesTest shows it on a real socket.
 */
class Utf8FramesTest {

    private static boolean jdkSaysValid(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean checkSaysValid(byte[] bytes, int split) {
        Utf8Frames.Check check = new Utf8Frames.Check(() -> {
        });
        return check.valid(Buffer.buffer(Arrays.copyOfRange(bytes, 0, split)), false)
                && check.valid(Buffer.buffer(Arrays.copyOfRange(bytes, split, bytes.length)), true);
    }

    @Test
    void knownGoodAndBadSequences() {
        for (String good : new String[]{"", "7b7d", "c3a6", "e282ac", "f09f9880", "efbfbd", "f48fbfbf", "ed9fbf"}) {
            byte[] bytes = HexFormat.of().parseHex(good);
            for (int split = 0; split <= bytes.length; split++) {
                assertTrue(checkSaysValid(bytes, split), good + " split at " + split);
            }
        }
        // lone continuation, overlong 2/3/4-byte, surrogate, above U+10FFFF, truncated, bad continuation
        for (String bad : new String[]{"80", "c080", "c1bf", "e08080", "f0808080", "eda080", "f4908080", "f5808080",
                "c3", "e282", "c328", "ff"}) {
            byte[] bytes = HexFormat.of().parseHex(bad);
            for (int split = 0; split <= bytes.length; split++) {
                assertFalse(checkSaysValid(bytes, split), bad + " split at " + split);
            }
        }
    }

    @Test
    void agreesWithTheJdkOnRandomInput() {
        Random random = new Random(6455);
        byte[] alphabet = HexFormat.of().parseHex("41c2c3dfe0e1eceded9fa0eff0f1f3f4f5ff808f909fa0bfc0c1");
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(9)];
            for (int j = 0; j < bytes.length; j++) {
                bytes[j] = alphabet[random.nextInt(alphabet.length)];
            }
            int split = random.nextInt(bytes.length + 1);
            assertEquals(jdkSaysValid(bytes), checkSaysValid(bytes, split), () -> HexFormat.of().formatHex(bytes));
        }
    }
}
