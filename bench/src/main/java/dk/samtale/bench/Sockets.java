package dk.samtale.bench;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * WebSocket clients on Vert.x: several clients over the event loops, each socket authenticated with
 * {@code Authorization: Bearer} on the upgrade (as the mobile app does). A socket counts as open when
 * the service's {@code hello} has arrived, i.e. the caller was resolved and the connection registered.
 */
final class Sockets implements AutoCloseable {

    /** One client socket. Frames other than hello go to {@link #onFrame}. */
    static final class Conn {
        final int index;
        volatile WebSocket ws;
        volatile boolean open;
        volatile int closeCode = -1;
        volatile Consumer<JsonNode> onFrame = f -> {
        };
        volatile Runnable onClose = () -> {
        };

        Conn(int index) {
            this.index = index;
        }

        void send(String text) {
            WebSocket w = ws;
            if (w != null) {
                w.writeTextMessage(text);
            }
        }
    }

    record Opened(int ok, int failed, long millis, String firstError, java.util.Map<String, Integer> errors) {
    }

    private final Vertx vertx;
    private final WebSocketClient[] clients;
    private final int port;
    private final AtomicInteger next = new AtomicInteger();

    Sockets(int port, int eventLoops, int clientCount) {
        this.port = port;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops)
                .setBlockedThreadCheckInterval(TimeUnit.HOURS.toMillis(1)));
        this.clients = new WebSocketClient[clientCount];
        for (int i = 0; i < clientCount; i++) {
            clients[i] = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1_000_000)
                    .setConnectTimeout(15_000).setMaxFrameSize(65_536).setMaxMessageSize(1 << 20)
                    .setTcpNoDelay(true).setClosingTimeout(5));
        }
    }

    Vertx vertx() {
        return vertx;
    }

    /**
     * Connects and completes when {@code hello} arrived; fails on a refused upgrade, a close before
     * hello, or after {@code timeoutMs}. Call from a non-Vert.x thread, so connections spread over the
     * event loops.
     */
    CompletableFuture<Conn> open(Conn c, String token, long timeoutMs) {
        CompletableFuture<Conn> hello = new CompletableFuture<>();
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/api/v1/chat").addHeader("Authorization", "Bearer " + token).setTimeout(timeoutMs);
        long timer = vertx.setTimer(timeoutMs, t -> {
            if (hello.completeExceptionally(new IllegalStateException("timeout"))) {
                WebSocket w = c.ws;
                if (w != null) {
                    w.close();
                }
            }
        });
        clients[Math.floorMod(next.getAndIncrement(), clients.length)].connect(o).onComplete(ar -> {
            if (ar.failed()) {
                vertx.cancelTimer(timer);
                hello.completeExceptionally(ar.cause());
                return;
            }
            WebSocket ws = ar.result();
            c.ws = ws;
            ws.textMessageHandler(text -> {
                JsonNode f;
                try {
                    f = Rest.JSON.readTree(text);
                } catch (Exception e) {
                    return;
                }
                if (!c.open && "hello".equals(f.path("type").asText())) {
                    c.open = true;
                    vertx.cancelTimer(timer);
                    hello.complete(c);
                } else {
                    c.onFrame.accept(f);
                }
            });
            ws.exceptionHandler(e -> {
            });
            ws.closeHandler(v -> {
                c.open = false;
                Short code = ws.closeStatusCode();
                c.closeCode = code == null ? 1006 : code;
                vertx.cancelTimer(timer);
                hello.completeExceptionally(new IllegalStateException("closed " + c.closeCode + " before hello"));
                c.onClose.run();
            });
        });
        return hello;
    }

    /**
     * Opens a socket per connection with at most {@code concurrency} handshakes in flight, waiting at
     * most {@code deadlineSeconds} in all.
     */
    Opened openAll(List<Conn> conns, List<String> tokens, int concurrency, long timeoutMs, long deadlineSeconds) {
        Semaphore permits = new Semaphore(concurrency);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>();
        ConcurrentHashMap<String, Integer> errors = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(deadlineSeconds);
        int launched = 0;
        try {
            for (int i = 0; i < conns.size(); i++) {
                if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                launched++;
                open(conns.get(i), tokens.get(i), timeoutMs).whenComplete((c, e) -> {
                    if (e == null) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
                        first.compareAndSet(null, msg);
                        errors.merge(shortError(e), 1, Integer::sum);
                    }
                    permits.release();
                });
            }
            // all launched: wait until every handshake has finished
            permits.tryAcquire(concurrency, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int notLaunched = conns.size() - launched;
        if (notLaunched > 0) {
            errors.merge("not attempted (deadline)", notLaunched, Integer::sum);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return new Opened(ok.get(), conns.size() - ok.get(), millis, first.get(), new java.util.TreeMap<>(errors));
    }

    static String shortError(Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("401")) {
            return "401";
        }
        if (m.startsWith("closed")) {
            return m;
        }
        if (m.contains("timeout") || e instanceof java.util.concurrent.TimeoutException) {
            return "timeout";
        }
        return e.getClass().getSimpleName() + (m.length() > 80 ? ": " + m.substring(0, 80) : ": " + m);
    }

    /** Closes every open socket (1000) and waits up to {@code seconds} for the closes. */
    static int closeAll(List<Conn> conns, long seconds) {
        int requested = 0;
        for (Conn c : conns) {
            WebSocket w = c.ws;
            if (w != null && !w.isClosed()) {
                w.close((short) 1000);
                requested++;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && conns.stream().anyMatch(c -> c.ws != null && !c.ws.isClosed())) {
            Harness.sleep(50);
        }
        return requested;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // exiting anyway
        }
    }
}
