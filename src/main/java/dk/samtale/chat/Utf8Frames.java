package dk.samtale.chat;

import java.lang.reflect.Method;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;

/**
 * RFC 6455 §8.1: a text message that is not valid UTF-8 fails the connection with close code 1007.
 * Vert.x decodes text frames with replacement characters (U+FFFD) and websockets-next hands the endpoint
 * only that string, so the endpoint cannot tell broken bytes from a real U+FFFD. This looks at the raw
 * frames instead, through Vert.x's frame handler, which Vert.x calls for every frame before it assembles
 * the text message (the same event-loop turn): the connection is closed before the text reaches the
 * endpoint, and {@link ChatSocket} drops text that arrives on a closing socket.
 *
 * <p>
 * The Vert.x socket behind a websockets-next connection is not public API; it is reached once per
 * connection by reflection. Should a Quarkus upgrade remove it, connections still work (the check is
 * skipped, with one warning) and SocketCloseCodesTest fails.
 */
final class Utf8Frames {

    private static final Logger LOG = Logger.getLogger(Utf8Frames.class);
    private static final Method WEB_SOCKET = webSocketAccessor();

    private Utf8Frames() {
    }

    /** Calls {@code onInvalid} (once) when a text message on this connection is not valid UTF-8. */
    static void watch(WebSocketConnection connection, Runnable onInvalid) {
        WebSocketBase ws = vertxSocket(connection);
        if (ws != null) {
            ws.frameHandler(new Check(onInvalid));
        }
    }

    /**
     * Validates each text message as its frames come, byte by byte (Unicode's table 3-7 of well-formed
     * UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF). The state between fragments is
     * three ints, so a character split across two fragments is fine, a message that ends inside one is
     * not, and an idle socket carries no buffer for it.
     */
    static final class Check implements io.vertx.core.Handler<WebSocketFrame> {
        private final Runnable onInvalid;
        /** Whether the message being received is a text message (continuation frames do not say). */
        private boolean inText;
        private boolean failed;
        /** Continuation bytes the current character still needs, and the range the next one must be in. */
        private int remaining;
        private int lower = 0x80;
        private int upper = 0xBF;

        Check(Runnable onInvalid) {
            this.onInvalid = onInvalid;
        }

        @Override
        public void handle(WebSocketFrame frame) {
            if (failed) {
                return;
            }
            if (frame.isText()) {
                inText = true;
                remaining = 0;
            } else if (!frame.isContinuation() || !inText) {
                if (frame.isBinary()) {
                    inText = false;
                }
                return;
            }
            if (!valid(frame.binaryData(), frame.isFinal())) {
                failed = true;
                onInvalid.run();
            }
            if (frame.isFinal()) {
                inText = false;
            }
        }

        boolean valid(Buffer data, boolean last) {
            for (int i = 0, n = data.length(); i < n; i++) {
                if (!next(data.getByte(i) & 0xFF)) {
                    return false;
                }
            }
            return !last || remaining == 0;
        }

        private boolean next(int b) {
            if (remaining > 0) {
                if (b < lower || b > upper) {
                    return false;
                }
                lower = 0x80;
                upper = 0xBF;
                remaining--;
                return true;
            }
            if (b < 0x80) {
                return true;
            }
            if (b >= 0xC2 && b <= 0xDF) {
                return expect(1, 0x80, 0xBF);
            }
            if (b == 0xE0) {
                return expect(2, 0xA0, 0xBF); // no overlong three-byte forms
            }
            if (b == 0xED) {
                return expect(2, 0x80, 0x9F); // no surrogates
            }
            if (b >= 0xE1 && b <= 0xEF) {
                return expect(2, 0x80, 0xBF);
            }
            if (b == 0xF0) {
                return expect(3, 0x90, 0xBF); // no overlong four-byte forms
            }
            if (b >= 0xF1 && b <= 0xF3) {
                return expect(3, 0x80, 0xBF);
            }
            if (b == 0xF4) {
                return expect(3, 0x80, 0x8F); // nothing above U+10FFFF
            }
            return false; // 0x80..0xC1 as a first byte, 0xF5..0xFF
        }

        private boolean expect(int continuations, int low, int high) {
            remaining = continuations;
            lower = low;
            upper = high;
            return true;
        }
    }

    private static WebSocketBase vertxSocket(WebSocketConnection connection) {
        if (WEB_SOCKET == null) {
            return null;
        }
        try {
            return (WebSocketBase) WEB_SOCKET.invoke(connection);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("cannot check text frames for UTF-8 on socket %s (%s)", connection.id(),
                    e.getClass().getSimpleName());
            return null;
        }
    }

    private static Method webSocketAccessor() {
        try {
            Method m = Class.forName("io.quarkus.websockets.next.runtime.WebSocketConnectionBase")
                    .getDeclaredMethod("webSocket");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("text frames are not checked for UTF-8: websockets-next changed (%s)",
                    e.getClass().getSimpleName());
            return null;
        }
    }
}
