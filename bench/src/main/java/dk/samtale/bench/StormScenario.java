package dk.samtale.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scenario 3: reconnect storm. Each of C citizens has its own conversation (unit X) and an open socket,
 * and has seen seq 1..I (its own messages, acked). All drop at once; caseworkers post M messages into
 * every conversation over REST; then all reconnect at the same moment and send {@code resume} with
 * their last seq. Measures the time until every client has exactly seq I+1..I+M (no more, no less, in
 * order, the messages that were posted) and {@code synced}.
 */
final class StormScenario {

    static final Set<String> OPTIONS = Set.of("clients", "missed", "initial", "deadline", "concurrency",
            "rest-threads", "max-attempts", "repo", "service-jar", "out", "service-opts", "event-loops");
    /** Posts per staff member: inside the REST burst of 30 per caller, so no post waits for a 429. */
    private static final int POSTS_PER_STAFF = 25;

    /** What one client got after reconnecting. */
    static final class Client {
        final int index;
        final AtomicInteger attempts = new AtomicInteger();
        final List<Long> received = new ArrayList<>();
        volatile long done;
        volatile boolean failed;
        volatile String problem;
        volatile boolean synced;

        Client(int index) {
            this.index = index;
        }
    }

    private final Args args;

    StormScenario(Args args) {
        this.args = args;
    }

    int run() throws Exception {
        int clients = args.integer("clients", 5000);
        int missed = args.integer("missed", 3);
        int initial = args.integer("initial", 2);
        int deadlineSeconds = args.integer("deadline", 120);
        int concurrency = args.integer("concurrency", 500);
        int restThreads = args.integer("rest-threads", 16);
        int maxAttempts = args.integer("max-attempts", 5);
        List<String> serviceOpts = args.words("service-opts", "-Xmx1g");
        if (clients < 1 || clients > 18_000 || missed < 1 || missed > 400 || initial < 0 || initial > 100
                || deadlineSeconds < 1 || deadlineSeconds > 900 || maxAttempts < 1 || maxAttempts > 20) {
            throw new Harness.Fail("options out of range (clients 1..18000, missed 1..400, initial 0..100,"
                    + " deadline 1..900, max-attempts 1..20)");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("clients", clients);
        params.put("missedPerClient", missed);
        params.put("seenBeforeDrop", initial);
        params.put("deadlineSeconds", deadlineSeconds);
        params.put("maxConnectAttempts", maxAttempts);
        Map<String, Object> result = Report.result("storm", params);

        try (Harness h = new Harness("storm", args)) {
            h.requireService();
            CpuMeter cpu = new CpuMeter(h);
            Map<String, Object> svc = h.startDatabaseAndService(serviceOpts, result);
            System.out.printf("storm: %d clients, %d missed each; service ready in %d ms%n", clients, missed,
                    svc.get("launchToReadyMs"));
            h.loadTestData();
            Identity id = h.identity();
            Rest rest = new Rest(h.base());

            long t = System.nanoTime();
            List<String> tokens = Identity.signAll(clients, i -> id.citizen(Identity.cpr(i)));
            String[] conv = Rest.parallel(clients, restThreads, 900, i -> {
                Rest.Response r = rest.post(tokens.get(i), "/api/v1/conversations",
                        Map.of("unitId", Harness.UNIT_X, "subject", "Storm " + i));
                if (r.status() != 201) {
                    throw new Harness.Fail("creating a conversation answered " + r.status() + ": " + r.body());
                }
                return r.body().path("id").asText();
            }).toArray(String[]::new);
            System.out.printf("  %d citizens with a conversation each (%d s)%n", clients,
                    (System.nanoTime() - t) / 1_000_000_000);

            int loops = args.integer("event-loops", 2);
            try (Sockets sockets = new Sockets(h.port(), loops, loops * 2)) {
                // online: every client sends `initial` messages and sees their acks
                long[] lastSeq = new long[clients];
                AtomicLong acks = new AtomicLong();
                List<Sockets.Conn> online = new ArrayList<>(clients);
                for (int i = 0; i < clients; i++) {
                    Sockets.Conn c = new Sockets.Conn(i);
                    int n = i;
                    c.onFrame = f -> {
                        if ("ack".equals(f.path("type").asText())) {
                            synchronized (lastSeq) {
                                lastSeq[n] = Math.max(lastSeq[n], f.path("seq").asLong());
                            }
                            acks.incrementAndGet();
                        }
                    };
                    online.add(c);
                }
                Sockets.Opened o = sockets.openAll(online, tokens, concurrency, 30_000, 600);
                if (o.failed() > 0) {
                    throw new Harness.Fail("could not open every socket before the storm: " + o);
                }
                String body = Bodies.jsonBodies(1, 200, 3)[0];
                long sendStart = System.nanoTime();
                long sent = 0;
                for (int j = 0; j < initial; j++) {
                    for (int i = 0; i < clients; i++) {
                        String cmid = "i-" + i + "-" + j;
                        online.get(i).send("{\"type\":\"send\",\"id\":\"" + cmid + "\",\"conversationId\":\"" + conv[i]
                                + "\",\"clientMessageId\":\"" + cmid + "\",\"body\":" + body + "}");
                        sent++;
                        // at most 1,000 sends/s: this is set-up, not the measurement
                        long ahead = sendStart + sent * 1_000_000L - System.nanoTime();
                        if (ahead > 0) {
                            Harness.sleep(ahead / 1_000_000);
                        }
                    }
                }
                long ackDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (acks.get() < (long) clients * initial && System.nanoTime() < ackDeadline) {
                    Harness.sleep(100);
                }
                if (acks.get() < (long) clients * initial) {
                    throw new Harness.Fail("only " + acks.get() + " of " + clients * initial + " initial sends acked");
                }
                System.out.printf("  %d sockets open, %d messages sent and acked; dropping all%n", o.ok(), acks.get());

                // drop: all at once
                Sockets.closeAll(online, 30);
                IdleScenario.awaitServiceSockets(h, 0, 30);

                // caseworkers post `missed` messages into every conversation while the clients are away
                int staffCount = (int) Math.ceil((double) clients * missed / POSTS_PER_STAFF);
                List<String> staffTokens = Identity.signAll(staffCount,
                        k -> id.staff("storm-staff-" + k, "Sagsbehandler " + k, "unit-x"));
                Map<Integer, Map<Long, String>> expected = new ConcurrentHashMap<>();
                AtomicLong retries = new AtomicLong();
                long p0 = System.nanoTime();
                Rest.parallel(clients * missed, restThreads, 900, q -> {
                    int i = q / missed;
                    String cmid = "m-" + i + "-" + (q % missed);
                    String token = staffTokens.get(q / POSTS_PER_STAFF);
                    for (int attempt = 1; attempt <= 5; attempt++) {
                        Rest.Response r = rest.post(token, "/api/v1/conversations/" + conv[i] + "/messages",
                                Map.of("clientMessageId", cmid, "body", "Svar " + q + ": vi har modtaget dine papirer."));
                        if (r.status() == 201 || r.status() == 200) {
                            expected.computeIfAbsent(i, k -> new ConcurrentHashMap<>()).put(r.body().path("seq").asLong(),
                                    cmid);
                            return null;
                        }
                        retries.incrementAndGet();
                        Harness.sleep(r.retryAfter() != null ? Long.parseLong(r.retryAfter()) * 1000 : 500);
                    }
                    throw new Harness.Fail("a caseworker post kept failing (conversation " + i + ")");
                });
                long postMs = (System.nanoTime() - p0) / 1_000_000;
                System.out.printf("  %d caseworkers posted %d messages over REST in %.1f s (%d retries)%n", staffCount,
                        clients * missed, postMs / 1000.0, retries.get());

                // the storm: everyone reconnects at once and resumes
                Client[] state = new Client[clients];
                Latency perClient = new Latency();
                AtomicInteger finished = new AtomicInteger();
                Map<String, Integer> errorFrames = new ConcurrentHashMap<>();
                Map<String, Integer> connectErrors = new ConcurrentHashMap<>();
                ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor();
                List<Sockets.Conn> storm = java.util.Collections.synchronizedList(new ArrayList<>());
                CpuMeter.Snapshot c0 = cpu.snapshot();
                long t0 = System.nanoTime();
                long deadline = t0 + TimeUnit.SECONDS.toNanos(deadlineSeconds);
                for (int i = 0; i < clients; i++) {
                    state[i] = new Client(i);
                }
                Runnable[] connect = new Runnable[clients];
                for (int i = 0; i < clients; i++) {
                    Client cl = state[i];
                    int n = i;
                    long after = lastSeq[i];
                    Map<Long, String> want = expected.getOrDefault(i, Map.of());
                    connect[i] = () -> {
                        cl.attempts.incrementAndGet();
                        Sockets.Conn c = new Sockets.Conn(n);
                        storm.add(c);
                        c.onFrame = f -> onStormFrame(cl, f, conv[n], after, missed, want, t0, perClient, finished,
                                errorFrames);
                        sockets.open(c, tokens.get(n), 30_000).whenComplete((ok, e) -> {
                            if (e == null) {
                                c.send("{\"type\":\"resume\",\"id\":\"r\",\"conversations\":[{\"conversationId\":\""
                                        + conv[n] + "\",\"afterSeq\":" + after + "}]}");
                            } else {
                                connectErrors.merge(Sockets.shortError(e), 1, Integer::sum);
                                long backoff = 250L * (1L << Math.min(cl.attempts.get(), 6));
                                if (cl.attempts.get() < maxAttempts && System.nanoTime() + backoff * 1_000_000 < deadline
                                        && cl.done == 0) {
                                    retry.schedule(connect[n], backoff, TimeUnit.MILLISECONDS);
                                } else if (!cl.failed) {
                                    cl.failed = true;
                                    cl.problem = "could not connect: " + e.getMessage();
                                    finished.incrementAndGet();
                                }
                            }
                        });
                    };
                }
                for (Runnable r : connect) {
                    r.run();
                }
                while (finished.get() < clients && System.nanoTime() < deadline) {
                    Harness.sleep(20);
                }
                long stormMs = (System.nanoTime() - t0) / 1_000_000;
                Map<String, Object> stormCpu = CpuMeter.split(c0, cpu.snapshot());
                retry.shutdownNow();
                Sockets.closeAll(new ArrayList<>(storm), 30);

                long resynced = 0;
                long wrong = 0;
                long failedConnect = 0;
                long timedOut = 0;
                long lastDone = 0;
                long reconnects = 0;
                Map<String, Integer> problems = new java.util.TreeMap<>();
                for (Client cl : state) {
                    reconnects += Math.max(0, cl.attempts.get() - 1);
                    if (cl.done > 0 && !cl.failed) {
                        resynced++;
                        lastDone = Math.max(lastDone, cl.done);
                    } else if (cl.failed && cl.problem != null && cl.problem.startsWith("could not connect")) {
                        failedConnect++;
                    } else if (cl.failed) {
                        wrong++;
                        problems.merge(cl.problem, 1, Integer::sum);
                    } else {
                        timedOut++;
                    }
                }
                boolean all = resynced == clients;
                Double allSeconds = all ? Math.round((lastDone - t0) / 1e6) / 1000.0 : null;
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("clients", clients);
                s.put("fullyResynced", resynced);
                s.put("secondsUntilAllResynced", allSeconds);
                s.put("perClientTimeToSynced", perClient.summary());
                s.put("wrongContent", wrong);
                s.put("wrongContentKinds", problems);
                s.put("couldNotConnect", failedConnect);
                s.put("notDoneByDeadline", timedOut);
                s.put("reconnectAttemptsBeyondFirst", reconnects);
                s.put("connectErrors", new java.util.TreeMap<>(connectErrors));
                s.put("errorFrames", new java.util.TreeMap<>(errorFrames));
                s.put("observedSeconds", stormMs / 1000.0);
                s.put("cpu", stormCpu);
                s.put("goalUnder30s", allSeconds != null && allSeconds < 30);
                result.put("caseworkerPostSeconds", postMs / 1000.0);
                result.put("serviceStopMs", h.stopService());
                result.put("storm", s);

                System.out.println();
                Report.Table tb = new Report.Table("clients", "missed each", "resynced", "all resynced in s",
                        "per client p50/p95/p99/max ms", "wrong", "no connect", "not done", "reconnects",
                        "CPU% svc/pg/tool/other");
                tb.row(clients, missed, resynced, allSeconds == null ? "not all" : allSeconds.toString(),
                        perClient.cell(), wrong, failedConnect, timedOut, reconnects,
                        stormCpu.get("servicePct") + "/" + stormCpu.get("postgresPct") + "/"
                                + stormCpu.get("loadToolPct") + "/" + stormCpu.get("otherPct"));
                tb.print();
                if (!problems.isEmpty()) {
                    System.out.println("wrong content: " + problems);
                }
                if (!connectErrors.isEmpty()) {
                    System.out.println("connect errors (each retried with back-off): " + connectErrors);
                }
                Report.write(h, "storm", result);
                return 0;
            }
        }
    }

    /** Checks one frame of a resuming client against exactly what it missed. */
    private static void onStormFrame(Client cl, JsonNode f, String conversation, long after, int missed,
            Map<Long, String> want, long t0, Latency perClient, AtomicInteger finished,
            Map<String, Integer> errorFrames) {
        String type = f.path("type").asText();
        synchronized (cl) {
            if (cl.done > 0 || cl.failed) {
                if ("message".equals(type)) {
                    fail(cl, "a message after synced", finished);
                }
                return;
            }
            switch (type) {
                case "message" -> {
                    JsonNode m = f.path("message");
                    long seq = m.path("seq").asLong();
                    if (!conversation.equals(m.path("conversationId").asText())) {
                        fail(cl, "a message of another conversation", finished);
                    } else if (seq <= after || seq > after + missed) {
                        fail(cl, "a message it did not miss", finished);
                    } else if (cl.received.contains(seq)) {
                        fail(cl, "a message twice", finished);
                    } else if (seq != after + cl.received.size() + 1) {
                        fail(cl, "out of order", finished);
                    } else if (!m.path("clientMessageId").asText().equals(want.get(seq))) {
                        fail(cl, "not the message posted with that seq", finished);
                    } else {
                        cl.received.add(seq);
                    }
                }
                case "synced" -> {
                    JsonNode c = f.path("conversations").path(0);
                    if (cl.received.size() != missed) {
                        fail(cl, "synced after " + cl.received.size() + " of " + missed, finished);
                    } else if (c.path("lastSeq").asLong() != after + missed || !c.path("complete").asBoolean()) {
                        fail(cl, "synced with a wrong lastSeq or incomplete", finished);
                    } else {
                        cl.synced = true;
                        cl.done = System.nanoTime();
                        perClient.recordNanos(cl.done - t0);
                        finished.incrementAndGet();
                    }
                }
                case "error" -> errorFrames.merge(f.path("code").asText(), 1, Integer::sum);
                default -> {
                    // conversation frames etc. are not part of the check
                }
            }
        }
    }

    private static void fail(Client cl, String problem, AtomicInteger finished) {
        if (!cl.failed) {
            cl.failed = true;
            cl.problem = problem;
            if (cl.done == 0) {
                finished.incrementAndGet();
            }
        }
    }
}
