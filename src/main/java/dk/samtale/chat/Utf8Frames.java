package dk.samtale.chat;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

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
     * Validates each text message as its frames come, with one decoder per connection: a character split
     * across two fragments is carried over, and a message that ends inside a character is invalid.
     */
    static final class Check implements io.vertx.core.Handler<WebSocketFrame> {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private final CharBuffer sink = CharBuffer.allocate(4096);
        private final Runnable onInvalid;
        /** Whether the message being received is a text message (continuation frames do not say). */
        private boolean inText;
        /** Up to three bytes of a character begun at the end of the previous fragment. */
        private byte[] carry = new byte[0];
        private boolean failed;

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
                carry = new byte[0];
                decoder.reset();
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
            byte[] bytes = data.getBytes();
            ByteBuffer in;
            if (carry.length == 0) {
                in = ByteBuffer.wrap(bytes);
            } else {
                in = ByteBuffer.allocate(carry.length + bytes.length).put(carry).put(bytes).flip();
            }
            try {
                while (true) {
                    sink.clear();
                    var result = decoder.decode(in, sink, last);
                    if (result.isError()) {
                        result.throwException();
                    }
                    if (result.isUnderflow()) {
                        break;
                    }
                }
                if (last) {
                    sink.clear();
                    var flushed = decoder.flush(sink);
                    if (flushed.isError() || in.hasRemaining()) {
                        return false;
                    }
                    decoder.reset();
                    carry = new byte[0];
                } else {
                    carry = new byte[in.remaining()];
                    in.get(carry);
                }
                return true;
            } catch (CharacterCodingException e) {
                return false;
            }
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
