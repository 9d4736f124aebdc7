package dk.samtale.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ValidationMessage;

import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * A WebSocket client for tests, on plain Vert.x: connects like the mobile app (Authorization header)
 * or like a browser (bearer-token-carrier subprotocol), and checks every frame it receives against
 * asyncapi.yaml.
 */
public final class WsClient implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final Vertx VERTX = Vertx.vertx();
    private static final HttpClient HTTP = VERTX.createHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Integer, HttpClient> BIG_FRAME_CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

    private final WebSocket socket;
    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<String> contractViolations = new ArrayList<>();
    private final CompletableFuture<Short> closed = new CompletableFuture<>();

    private WsClient(WebSocket socket) {
        this.socket = socket;
        socket.textMessageHandler(text -> {
            try {
                JsonNode frame = JSON.readTree(text);
                Set<ValidationMessage> problems = FrameSchemas.check(frame);
                if (!problems.isEmpty()) {
                    contractViolations.add(frame.path("type").asText() + ": " + problems + " in " + text);
                }
                frames.add(frame);
            } catch (Exception e) {
                contractViolations.add("not JSON: " + text);
            }
        });
        // no close frame at all (the peer vanished): 1006, as browsers report it
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode() == null ? 1006 : socket.closeStatusCode()));
    }

    /** Connects as a mobile app does: bearer token in the Authorization header. */
    public static WsClient connect(String token) {
        return connect(options().addHeader("Authorization", "Bearer " + token));
    }

    /** Connects as a browser does: the token travels in the Sec-WebSocket-Protocol header. */
    public static WsClient connectAsBrowser(String token) {
        return connect(browserOptions(token));
    }

    /** Upgrade options as a browser sends them: the token in the Sec-WebSocket-Protocol header. */
    public static WebSocketConnectOptions browserOptions(String token) {
        return options().setSubProtocols(List.of("bearer-token-carrier", "quarkus-http-upgrade#Authorization#"
                + URLEncoder.encode("Bearer " + token, StandardCharsets.UTF_8).replace("+", "%20")));
    }

    /** Tries to connect; returns the HTTP status of a refused upgrade, or 101. */
    public static int upgradeStatus(WebSocketConnectOptions options) {
        try {
            WebSocket ws = HTTP.webSocket(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            ws.close();
            return 101;
        } catch (Exception e) {
            Throwable cause = e.getCause();
            if (cause instanceof io.vertx.core.http.UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
            throw new AssertionError("unexpected failure to connect", e);
        }
    }

    public static WebSocketConnectOptions options() {
        return options(RestAssured.port);
    }

    public static WebSocketConnectOptions options(int port) {
        return new WebSocketConnectOptions().setHost("localhost").setPort(port).setURI("/api/v1/chat");
    }

    public static WsClient connect(WebSocketConnectOptions options) {
        WsClient c = connectWithoutHello(options);
        c.await("hello");
        return c;
    }

    /** Opens the socket without waiting for {@code hello}, for connections the server may refuse. */
    public static WsClient connectWithoutHello(WebSocketConnectOptions options) {
        return connectWithoutHello(HTTP, options);
    }

    /**
     * Like {@link #connect(String)}, but on a client that sends every text message as one single
     * WebSocket frame of up to {@code maxFrameBytes} (as browsers do), instead of fragmenting it at
     * 64 KiB.
     */
    public static WsClient connectSendingFramesUpTo(String token, int maxFrameBytes) {
        HttpClient client = BIG_FRAME_CLIENTS.computeIfAbsent(maxFrameBytes, size -> VERTX.createHttpClient(
                new HttpClientOptions().setMaxWebSocketFrameSize(size).setMaxWebSocketMessageSize(size)));
        WsClient c = connectWithoutHello(client, options().addHeader("Authorization", "Bearer " + token));
        c.await("hello");
        return c;
    }

    @SuppressWarnings("deprecation")
    private static WsClient connectWithoutHello(HttpClient client, WebSocketConnectOptions options) {
        // The handlers must be set in the connect callback itself: Vert.x resumes the socket before it
        // calls that callback and delivers buffered frames in a later event-loop task. A listener added
        // to the returned Future instead (map, onComplete) runs in a task of its own when the handshake
        // was already done, possibly after those frames were delivered to no handler, and a hello that
        // came with the 101 response was lost.
        CompletableFuture<WsClient> connected = new CompletableFuture<>();
        client.webSocket(options, ar -> {
            if (ar.succeeded()) {
                connected.complete(new WsClient(ar.result()));
            } else {
                connected.completeExceptionally(ar.cause());
            }
        });
        try {
            return connected.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not connect", e);
        }
    }

    public void send(Map<String, ?> frame) {
        try {
            sendRaw(JSON.writeValueAsString(frame));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void sendRaw(String text) {
        socket.writeTextMessage(text).toCompletionStage().toCompletableFuture().join();
    }

    /** Sends one binary frame (the protocol is text only: the server closes with 1003). */
    public void sendBinary(byte[] data) {
        socket.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(data)).toCompletionStage().toCompletableFuture()
                .join();
    }

    /**
     * Sends raw bytes as one frame of a text message, unchecked (to send bytes that are not UTF-8): the
     * first frame is a text frame, later ones continuation frames; {@code last} ends the message.
     */
    public void sendTextBytes(byte[] bytes, boolean first, boolean last) {
        socket.writeFrame(new io.vertx.core.http.impl.ws.WebSocketFrameImpl(
                first ? io.vertx.core.http.WebSocketFrameType.TEXT : io.vertx.core.http.WebSocketFrameType.CONTINUATION,
                bytes, last)).toCompletionStage().toCompletableFuture().join();
    }

    /** The next frame of this type (frames of other types before it are dropped). */
    public JsonNode await(String type) {
        return await(f -> type.equals(f.path("type").asText()), type);
    }

    public JsonNode await(Predicate<JsonNode> match, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                JsonNode f = frames.poll(50, TimeUnit.MILLISECONDS);
                if (f != null && match.test(f)) {
                    assertContract();
                    return f;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fail("no " + what + " frame within " + WAIT);
    }

    /** The next frame of any type, or null when none arrives within the time given. */
    public JsonNode poll(Duration within) {
        try {
            JsonNode f = frames.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            assertContract();
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Asserts that no frame of this type arrives within a short while. */
    public void assertNoFrame(String type, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                JsonNode f = frames.poll(20, TimeUnit.MILLISECONDS);
                if (f != null && type.equals(f.path("type").asText())) {
                    fail("unexpected " + type + " frame: " + f);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Asserts that no frame of any of these types has been received or arrives within the time given
     * (frames of other types are consumed on the way).
     */
    public void assertNoFrame(Duration within, String... types) {
        Set<String> unwanted = Set.of(types);
        long deadline = System.nanoTime() + within.toNanos();
        try {
            // every frame already received, then whatever arrives until the deadline (bounded in count)
            for (int i = 0; i < 100_000; i++) {
                JsonNode f = frames.poll(20, TimeUnit.MILLISECONDS);
                if (f == null && System.nanoTime() >= deadline) {
                    break;
                }
                if (f != null && unwanted.contains(f.path("type").asText())) {
                    fail("unexpected " + f.path("type").asText() + " frame: " + f);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertContract();
    }

    /** Every frame received so far, without waiting. */
    public List<JsonNode> drain() {
        List<JsonNode> list = new ArrayList<>();
        frames.drainTo(list);
        return list;
    }

    public short awaitClose() {
        try {
            Short code = closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return code != null ? code : fail("socket closed without a close frame (no close code)");
        } catch (java.util.concurrent.TimeoutException e) {
            return fail("socket not closed within " + WAIT);
        } catch (Exception e) {
            return fail("could not await the close", e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public void assertContract() {
        assertTrue(contractViolations.isEmpty(), () -> "frames that break asyncapi.yaml: " + contractViolations);
    }

    @Override
    public void close() {
        assertContract();
        if (!socket.isClosed()) {
            socket.close();
        }
    }

    public static void assertClosedWith(WsClient c, int code) {
        assertEquals(code, c.awaitClose());
    }
}
