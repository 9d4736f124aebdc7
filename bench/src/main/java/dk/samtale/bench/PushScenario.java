package dk.samtale.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Push: the service's relay sends through the real Firebase Admin SDK to a fake FCM inside this tool
 * (a JDK HTTP server answering the OAuth2 token endpoint and FCM's v1 send endpoint, recording when
 * each push arrived). Citizens with a registered device get a message each from their caseworker;
 * measured is the delay from the send's acknowledgement (= commit) to the FCM request, and how many
 * notifications per second the relay delivers:
 *
 * <ol>
 * <li><b>fan-out</b>: one message to each of N citizens, sent as fast as the REST threads can, so the
 * whole batch falls due within a short window and the relay works off a backlog;</li>
 * <li><b>under load</b>: chat load (REST sends in conversations without devices) at a fixed rate while
 * pushes are caused at a lower rate; the delay shows what the message path's load does to pushes.</li>
 * </ol>
 * The delay includes the grace period (a push waits for a delivery confirmation first); the table also
 * shows it without.
 */
final class PushScenario {

    static final Set<String> OPTIONS = Set.of("citizens", "rest-threads", "grace-ms", "load-rate", "push-rate",
            "seconds", "load-pairs", "repo", "service-jar", "out", "service-opts", "pg-bin");
    private static final String PROJECT = "bench";

    private final Args args;
    /** "conversationId/seq" → arrival at the fake FCM (tool clock, ns). */
    private final Map<String, Long> arrived = new ConcurrentHashMap<>();
    private final AtomicLong fcmRequests = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    PushScenario(Args args) {
        this.args = args;
    }

    int run() throws Exception {
        int citizens = args.integer("citizens", 1000);
        int restThreads = args.integer("rest-threads", 16);
        int graceMs = args.integer("grace-ms", 3000);
        int loadRate = args.integer("load-rate", 1000);
        int pushRate = args.integer("push-rate", 50);
        int seconds = args.integer("seconds", 20);
        int loadPairs = args.integer("load-pairs", 100);
        List<String> serviceOpts = args.words("service-opts", "-Xmx1g");
        if (citizens < 1 || citizens > 20_000 || restThreads < 1 || restThreads > 256 || graceMs < 0
                || loadRate < 0 || pushRate < 1 || seconds < 1 || seconds > 600 || loadPairs < 1) {
            throw new Harness.Fail("options out of range (citizens 1..20000, rest-threads 1..256, seconds 1..600)");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("citizens", citizens);
        params.put("restThreads", restThreads);
        params.put("graceMs", graceMs);
        params.put("loadRate", loadRate);
        params.put("pushRate", pushRate);
        params.put("seconds", seconds);
        params.put("loadPairs", loadPairs);
        Map<String, Object> result = Report.result("push", params);

        HttpServer fcm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        ExecutorService fcmThreads = Executors.newFixedThreadPool(16);
        fcm.setExecutor(fcmThreads);
        fcm.createContext("/", this::handle);
        fcm.start();
        String root = "http://127.0.0.1:" + fcm.getAddress().getPort();
        try (Harness h = new Harness("push", args)) {
            h.requireService();
            List<String> opts = new ArrayList<>(serviceOpts);
            opts.add("-Dsamtale.push.credentials-file=" + serviceAccount(h.work(), root + "/token"));
            opts.add("-Dsamtale.push.fcm-url=" + root);
            opts.add("-Dsamtale.push.grace=PT" + (graceMs / 1000.0) + "S");
            // the load comes from few callers over REST: lift the per-caller write limit (configuration)
            opts.add("-Dsamtale.limits.rest-writes-per-second=1000000");
            opts.add("-Dsamtale.limits.rest-write-burst=1000000");
            Map<String, Object> svc = h.startDatabaseAndService(opts, result);
            System.out.printf("push: %d citizens with a device; fake FCM at %s; service ready in %d ms%n", citizens,
                    root, svc.get("launchToReadyMs"));
            h.loadTestData();
            Identity id = h.identity();
            Rest rest = new Rest(h.base());
            String staff = id.staff("bench-push-staff", "Bench Staff", "unit-x");

            List<String> tokens = Identity.signAll(citizens + loadPairs, i -> id.citizen(Identity.cpr(900_000 + i)));
            String[] conv = Rest.parallel(citizens + loadPairs, restThreads, 900, i -> {
                Rest.Response r = rest.post(tokens.get(i), "/api/v1/conversations",
                        Map.of("unitId", Harness.UNIT_X, "subject", "Push " + i));
                if (r.status() != 201) {
                    throw new Harness.Fail("creating a conversation answered " + r.status() + ": " + r.body());
                }
                if (i < citizens) {
                    Rest.Response d = rest.post(tokens.get(i), "/api/v1/devices", Map.of("token",
                            "bench-" + i + "-" + UUID.randomUUID(), "platform", i % 2 == 0 ? "android" : "ios"));
                    if (d.status() != 201) {
                        throw new Harness.Fail("registering a device answered " + d.status() + ": " + d.body());
                    }
                }
                return r.body().path("id").asText();
            }).toArray(String[]::new);

            // 1. fan-out
            Latency fanDelay = new Latency();
            Map<String, Long> acked = new ConcurrentHashMap<>();
            long sendStart = System.nanoTime();
            Rest.parallel(citizens, restThreads, 900, i -> send(rest, staff, conv[i], "f-" + i, acked));
            long sendEnd = System.nanoTime();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60) + graceMs * 1_000_000L;
            while (arrivedOf(acked) < citizens && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long first = Long.MAX_VALUE;
            long last = 0;
            for (var e : acked.entrySet()) {
                Long at = arrived.get(e.getKey());
                if (at != null) {
                    fanDelay.recordNanos(at - e.getValue());
                    first = Math.min(first, at);
                    last = Math.max(last, at);
                }
            }
            int fanArrived = arrivedOf(acked);
            double sendSeconds = (sendEnd - sendStart) / 1e9;
            double arrivalSeconds = last > first ? (last - first) / 1e9 : Double.NaN;
            Map<String, Object> fan = new LinkedHashMap<>();
            fan.put("messages", citizens);
            fan.put("pushesArrived", fanArrived);
            fan.put("sendSeconds", round(sendSeconds));
            fan.put("sendRatePerSecond", Math.round(citizens / sendSeconds));
            fan.put("arrivalWindowSeconds", round(arrivalSeconds));
            fan.put("notificationsPerSecond", Math.round(fanArrived / arrivalSeconds));
            fan.put("commitToFcm", fanDelay.summary());
            result.put("fanOut", fan);

            // 2. pushes under chat load
            Latency loadDelay = new Latency();
            Map<String, Long> loadAcked = new ConcurrentHashMap<>();
            AtomicLong loadSent = new AtomicLong();
            AtomicLong loadErrors = new AtomicLong();
            ExecutorService senders = Executors.newFixedThreadPool(Math.max(restThreads, 32));
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long loadPeriod = loadRate == 0 ? Long.MAX_VALUE : 1_000_000_000L / loadRate;
            long pushPeriod = 1_000_000_000L / pushRate;
            long nextLoad = start;
            long nextPush = start;
            long n = 0;
            int p = 0;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (now >= nextLoad) {
                    long k = n++;
                    int pair = (int) (k % loadPairs);
                    String sender = k % 2 == 0 ? staff : tokens.get(citizens + pair);
                    senders.execute(() -> {
                        if (send(rest, sender, conv[citizens + pair], "l-" + k, null) != 0) {
                            loadErrors.incrementAndGet();
                        }
                        loadSent.incrementAndGet();
                    });
                    nextLoad += loadPeriod;
                } else if (now >= nextPush) {
                    int i = p++ % citizens;
                    int round = p / citizens;
                    senders.execute(() -> send(rest, staff, conv[i], "p-" + round + "-" + i, loadAcked));
                    nextPush += pushPeriod;
                } else {
                    LockSupport.parkNanos(Math.min(nextLoad, nextPush) - now);
                }
            }
            senders.shutdown();
            senders.awaitTermination(60, TimeUnit.SECONDS);
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30) + graceMs * 1_000_000L;
            while (arrivedOf(loadAcked) < loadAcked.size() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            loadAcked.forEach((key, at) -> {
                Long got = arrived.get(key);
                if (got != null) {
                    loadDelay.recordNanos(got - at);
                }
            });
            Map<String, Object> load = new LinkedHashMap<>();
            load.put("chatMessagesPerSecond", Math.round(loadSent.get() / loadSeconds));
            load.put("chatErrors", loadErrors.get());
            load.put("pushMessages", loadAcked.size());
            load.put("pushesArrived", arrivedOf(loadAcked));
            load.put("commitToFcm", loadDelay.summary());
            result.put("underLoad", load);
            result.put("fcmRequests", fcmRequests.get());
            result.put("duplicatePushes", duplicates.get());
            result.put("serviceQueueLagSeconds", Map.of("count", h.metric("samtale_push_queue_lag_seconds_count")));
            h.stopService();

            double grace = graceMs;
            System.out.printf("%nfan-out: %d messages sent in %.2f s (%d/s); %d pushes arrived within %.2f s%n",
                    citizens, sendSeconds, Math.round(citizens / sendSeconds), fanArrived, arrivalSeconds);
            Report.Table t = new Report.Table("phase", "chat msg/s", "pushes", "arrived", "notifications/s",
                    "commit→FCM p50/p95/p99/max ms", "minus grace p50/p99 ms");
            t.row("fan-out", "-", citizens, fanArrived, Math.round(fanArrived / arrivalSeconds), fanDelay.cell(),
                    Latency.fmt(fanDelay.percentileMs(50) - grace) + "/" + Latency.fmt(fanDelay.percentileMs(99)
                            - grace));
            t.row("under load", Math.round(loadSent.get() / loadSeconds), loadAcked.size(), arrivedOf(loadAcked),
                    "-", loadDelay.cell(), Latency.fmt(loadDelay.percentileMs(50) - grace) + "/"
                            + Latency.fmt(loadDelay.percentileMs(99) - grace));
            t.print();
            System.out.printf("FCM requests %d, duplicate pushes %d, chat errors %d%n", fcmRequests.get(),
                    duplicates.get(), loadErrors.get());
            Report.write(h, "push", result);
            return fanArrived == citizens && arrivedOf(loadAcked) == loadAcked.size() && duplicates.get() == 0 ? 0 : 1;
        } finally {
            fcm.stop(0);
            fcmThreads.shutdownNow();
        }
    }

    /** Sends one message; records its ack time under "conversation/seq". Returns 0, or the HTTP status. */
    private static int send(Rest rest, String token, String conversation, String cmid, Map<String, Long> acked) {
        Rest.Response r = rest.post(token, "/api/v1/conversations/" + conversation + "/messages",
                Map.of("clientMessageId", cmid, "body", "Bench besked " + cmid));
        long at = System.nanoTime();
        if (r.status() != 201) {
            return r.status();
        }
        if (acked != null) {
            acked.put(conversation + "/" + r.body().path("seq").asLong(), at);
        }
        return 0;
    }

    private int arrivedOf(Map<String, Long> acked) {
        int n = 0;
        for (String k : acked.keySet()) {
            if (arrived.containsKey(k)) {
                n++;
            }
        }
        return n;
    }

    private void handle(HttpExchange ex) throws IOException {
        long at = System.nanoTime();
        String path = ex.getRequestURI().getPath();
        byte[] in;
        try (InputStream body = ex.getRequestBody()) {
            in = body.readAllBytes();
        }
        String answer;
        if (path.equals("/token")) {
            answer = "{\"access_token\":\"bench-access-token\",\"expires_in\":3600,\"token_type\":\"Bearer\"}";
        } else if (path.equals("/v1/projects/" + PROJECT + "/messages:send")) {
            fcmRequests.incrementAndGet();
            JsonNode data = Rest.JSON.readTree(in).path("message").path("data");
            String key = data.path("conversationId").asText() + "/" + data.path("seq").asText();
            if (arrived.putIfAbsent(key, at) != null) {
                duplicates.incrementAndGet();
            }
            answer = "{\"name\":\"projects/" + PROJECT + "/messages/" + fcmRequests.get() + "\"}";
        } else {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        byte[] out = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, out.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
        }
    }

    /** A service-account file with a key generated for this run; its token_uri is the fake FCM. */
    private static Path serviceAccount(Path dir, String tokenUri) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\\n" + Base64.getMimeEncoder()
                .encodeToString(g.generateKeyPair().getPrivate().getEncoded()).replace("\r\n", "\\n")
                + "\\n-----END PRIVATE KEY-----\\n";
        Path file = dir.resolve("firebase-service-account.json");
        Files.writeString(file, """
                {"type": "service_account", "project_id": "%s", "private_key_id": "bench", "private_key": "%s",
                 "client_email": "push@%s.iam.gserviceaccount.com", "client_id": "1", "token_uri": "%s"}"""
                .formatted(PROJECT, pem, PROJECT, tokenUri));
        return file;
    }

    private static Object round(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 100) / 100.0;
    }
}
