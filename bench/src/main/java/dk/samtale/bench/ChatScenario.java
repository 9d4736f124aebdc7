package dk.samtale.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scenario 1: chat throughput and latency. N citizen–caseworker pairs over authenticated WebSockets;
 * an open-loop scheduler issues sends at a fixed aggregate rate per step, spread evenly over the
 * pairs and alternating direction, without waiting for acks. Measures ack latency (send → ack) and
 * delivery latency (send → the other side's message frame), checks the REST history at the end (every
 * acknowledged message stored exactly once, gap-free seqs), and runs the JDBC baseline on the same
 * PostgreSQL once the service is stopped.
 */
final class ChatScenario {

    static final Set<String> OPTIONS = Set.of("steps", "seconds", "pairs", "staff-mode", "staff", "settle", "warmup",
            "body-chars", "baseline-seconds", "baseline-clients", "repo", "service-jar", "out", "service-opts",
            "event-loops", "channel-policy", "pg-bin");
    /** The service's per-socket limit is 30 frames/s (burst 60); stay clear of it. */
    private static final double SAFE_SOCKET_RATE = 25;

    /** One send, from the scheduler to its ack and its delivery. */
    static final class Pending {
        final Step step;
        final Peer to;
        final String conversation;
        volatile long sent;
        volatile long ack;
        volatile long seq = -1;
        volatile long delivered;
        volatile String error;

        Pending(Step step, Peer to, String conversation) {
            this.step = step;
            this.to = to;
            this.conversation = conversation;
        }
    }

    /** A socket and, per conversation, the last seq it saw (frames of one socket run on one thread). */
    static final class Peer {
        final Sockets.Conn conn;
        final String name;
        final Map<String, Long> lastSeq = new HashMap<>();

        Peer(Sockets.Conn conn, String name) {
            this.conn = conn;
            this.name = name;
        }
    }

    static final class Step {
        final String name;
        final int rate;
        final int seconds;
        final Latency ack = new Latency();
        final Latency delivery = new Latency();
        final List<Pending> sent = new ArrayList<>();
        final Map<String, Integer> errors = new ConcurrentHashMap<>();
        final AtomicLong otherStaffDeliveries = new AtomicLong();
        final AtomicLong duplicateDeliveries = new AtomicLong();
        long start;
        long end;
        long maxLagNanos;
        Map<String, Object> cpu;
        Map<String, Object> postgresWork = Map.of();
        long missing;
        long doubled;
        long seqMismatch;
        /** Acknowledged sends whose conversation's history could not be read: neither found nor lost. */
        long unverified;

        Step(String name, int rate, int seconds) {
            this.name = name;
            this.rate = rate;
            this.seconds = seconds;
        }
    }

    private final Args args;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong unknownFrames = new AtomicLong();
    private final AtomicLong orderViolations = new AtomicLong();
    private final AtomicLong duplicateAcks = new AtomicLong();
    private final AtomicLong unexpectedCloses = new AtomicLong();
    private final Map<String, Integer> otherErrors = new ConcurrentHashMap<>();
    private Peer[] citizens;
    private Peer[] staff;
    private String[] conversations;
    private long[] pairSends;
    private PgStats pgStats;
    private long globalSends;
    private String[] bodies;
    private boolean perPairStaff;
    private volatile boolean closing;

    /** Runs after the load steps, with the service still up (the journal scenario measures there). */
    interface AfterLoad {
        void run(Harness h, Map<String, Object> result) throws Exception;
    }

    /** The name in results and files: chat, or a scenario that runs the chat load (journal). */
    String scenario = "chat";
    AfterLoad afterLoad;

    ChatScenario(Args args) {
        this.args = args;
    }

    int run() throws Exception {
        int[] steps = args.ints("steps", "250,500,1000,1500,2000,3000");
        int seconds = args.integer("seconds", 20);
        int pairs = args.integer("pairs", 200);
        String mode = args.str("staff-mode", "per-pair");
        if (!mode.equals("per-pair") && !mode.equals("unit-x")) {
            throw new Harness.Fail("--staff-mode is per-pair or unit-x");
        }
        perPairStaff = mode.equals("per-pair");
        int staffCount = perPairStaff ? pairs : args.integer("staff", 4);
        int settle = args.integer("settle", 5);
        int warmup = args.integer("warmup", 5);
        int bodyChars = args.integer("body-chars", 300);
        int baselineSeconds = args.integer("baseline-seconds", 15);
        int[] baselineClients = args.ints("baseline-clients", "8,32");
        List<String> serviceOpts = args.words("service-opts", "-Xmx1g");
        String channelPolicy = args.str("channel-policy", "app");
        if (!List.of("app", "sms", "app-then-sms").contains(channelPolicy)) {
            throw new Harness.Fail("--channel-policy is app, sms or app-then-sms");
        }
        if (steps.length == 0 || seconds < 1 || seconds > 600 || pairs < 1 || pairs > 5000 || staffCount < 1
                || settle < 0 || settle > 120 || warmup < 0 || warmup > 120 || bodyChars < 1 || bodyChars > 4000) {
            throw new Harness.Fail("options out of range (seconds 1..600, pairs 1..5000, settle/warmup 0..120,"
                    + " body-chars 1..4000)");
        }
        int maxRate = java.util.Arrays.stream(steps).max().getAsInt();
        double citizenSocketRate = maxRate / 2.0 / pairs;
        double staffSocketRate = maxRate / 2.0 / staffCount;
        if (Math.max(citizenSocketRate, staffSocketRate) > SAFE_SOCKET_RATE) {
            System.out.printf("WARNING: at %d msg/s a socket would send %.1f frames/s; the service allows 30/s per "
                    + "socket (burst 60): expect rate-limited errors. Use more --pairs%s.%n", maxRate,
                    Math.max(citizenSocketRate, staffSocketRate), perPairStaff ? "" : " or --staff");
        }

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("steps", steps);
        params.put("secondsPerStep", seconds);
        params.put("pairs", pairs);
        params.put("staffMode", mode);
        params.put("staffSockets", staffCount);
        params.put("settleSeconds", settle);
        params.put("warmupSeconds", warmup);
        params.put("bodyChars", bodyChars);
        params.put("channelPolicy", channelPolicy);
        Map<String, Object> result = Report.result(scenario, params);

        try (Harness h = new Harness(scenario, args)) {
            h.requireService();
            CpuMeter cpu = new CpuMeter(h);
            System.out.printf("chat: %d pairs, staff %s (%d caseworker sockets), steps %s msg/s x %d s%n", pairs,
                    mode, staffCount, java.util.Arrays.toString(steps), seconds);
            Map<String, Object> svc = h.startDatabaseAndService(serviceOpts, result);
            System.out.printf("service ready in %d ms (Quarkus: started in %ss)%n", svc.get("launchToReadyMs"),
                    svc.get("quarkusStartedInSeconds"));
            h.loadTestData();
            if (perPairStaff) {
                addBenchUnits(h, pairs);
            }
            Identity id = h.identity();
            List<String> citizenTokens = Identity.signAll(pairs, i -> id.citizen(Identity.cpr(i)));
            List<String> staffTokens = Identity.signAll(staffCount, i -> id.staff("bench-staff-" + i,
                    "Sagsbehandler " + i, perPairStaff ? benchUnitExternalId(i) : "unit-x"));
            Rest rest = new Rest(h.base());
            conversations = Rest.parallel(pairs, 16, 300, i -> {
                Rest.Response r = rest.post(citizenTokens.get(i), "/api/v1/conversations",
                        Map.of("unitId", perPairStaff ? benchUnitId(i) : Harness.UNIT_X, "subject", "Bench " + i));
                if (r.status() != 201) {
                    throw new Harness.Fail("creating a conversation answered " + r.status() + ": " + r.body());
                }
                return r.body().path("id").asText();
            }).toArray(String[]::new);

            if (!channelPolicy.equals("app")) {
                smsPolicy(h, channelPolicy);
            }
            int loops = args.integer("event-loops", 2);
            try (Sockets sockets = new Sockets(h.port(), loops, loops)) {
                citizens = peers("citizen", pairs);
                staff = peers("staff", staffCount);
                Sockets.Opened oc = sockets.openAll(conns(citizens), citizenTokens, 100, 20_000, 180);
                Sockets.Opened os = sockets.openAll(conns(staff), staffTokens, 100, 20_000, 180);
                if (oc.failed() > 0 || os.failed() > 0) {
                    throw new Harness.Fail("could not open every socket: citizens " + oc + ", staff " + os);
                }
                System.out.printf("%d citizen and %d caseworker sockets open (%d ms, %d ms)%n", oc.ok(), os.ok(),
                        oc.millis(), os.millis());
                pgStats = new PgStats(h);
                pairSends = new long[pairs];
                bodies = Bodies.jsonBodies(64, bodyChars, 42);

                if (warmup > 0) {
                    Step w = new Step("warmup", steps[0], warmup);
                    runStep(w, "w-", cpu, settle);
                    System.out.printf("warm-up: %d sends at %d/s (not reported)%n", w.sent.size(), w.rate);
                }
                List<Step> done = new ArrayList<>();
                Report.Table live = stepTable();
                String stoppedBecause = null;
                for (int s = 0; s < steps.length; s++) {
                    Step step = new Step("step-" + s, steps[s], seconds);
                    runStep(step, "b-" + s + "-", cpu, settle);
                    done.add(step);
                    System.out.printf("  step %d: %d msg/s for %d s: sent %d, acked %d, delivery %s ms%n", s,
                            step.rate, seconds, step.sent.size(), acked(step), step.delivery.cell());
                    System.out.println("    " + PgStats.line(step.postgresWork));
                    if (!h.serviceAlive()) {
                        // an overload that kills the service is a result too: report the steps run so far
                        stoppedBecause = "the service died during step " + s + " (" + step.rate + " msg/s); see "
                                + svc.get("log");
                        System.out.println("  " + stoppedBecause + "; the remaining steps are not run");
                        break;
                    }
                }
                if (stoppedBecause != null) {
                    result.put("stoppedBecause", stoppedBecause);
                }

                Map<String, Object> verification;
                if (h.serviceAlive()) {
                    System.out.println("checking the REST history of every conversation ...");
                    verification = verify(rest, citizenTokens);
                } else {
                    verification = unverifiable("the service is not running");
                }
                closing = true;
                Sockets.closeAll(conns(citizens), 5);
                Sockets.closeAll(conns(staff), 5);

                List<Map<String, Object>> stepResults = new ArrayList<>();
                Integer headline = null;
                for (Step step : done) {
                    Map<String, Object> sr = stepResult(step);
                    stepResults.add(sr);
                    boolean held = (Boolean) sr.get("held");
                    if (held && (headline == null || step.rate > headline)) {
                        headline = step.rate;
                    }
                    row(live, step, sr);
                }
                result.put("steps", stepResults);
                result.put("verification", verification);
                result.put("unexpectedCloses", unexpectedCloses.get());
                result.put("errorsWithoutRef", otherErrors);
                result.put("headlineMsgPerSecond", headline);

                System.out.println();
                System.out.printf("chat: %d pairs (%s staff sockets: %d), %d s per step, body %d chars%n", pairs, mode,
                        staffCount, seconds, bodyChars);
                live.print();
                System.out.printf("history check: %s%n", verification);
                System.out.printf("headline: %s (highest step with p99 delivery < 100 ms, >= 95%% of the rate acked"
                        + " in the step, no error, no loss)%n", headline == null ? "no step held" : headline + " msg/s");

                if (afterLoad != null && h.serviceAlive()) {
                    afterLoad.run(h, result);
                }
                result.put("serviceStopMs", h.stopService());
                if (baselineSeconds > 0) {
                    System.out.println("\nbaseline on the same PostgreSQL (service stopped): message + outbox row per"
                            + " transaction, durable commit");
                    Report.Table bt = Baseline.table();
                    List<Map<String, Object>> base = Baseline.run(h, cpu, baselineClients, baselineSeconds, 2, bt);
                    bt.print();
                    result.put("baseline", base);
                    long best = base.stream().mapToLong(b -> ((Number) b.get("txPerSecond")).longValue()).max()
                            .orElse(0);
                    if (headline != null && best > 0) {
                        double fraction = Math.round(headline * 1000.0 / best) / 10.0;
                        result.put("headlineAsPercentOfBaseline", fraction);
                        System.out.printf("headline %d msg/s = %.1f%% of what PostgreSQL alone commits here (%d tx/s)%n",
                                headline, fraction, best);
                    }
                }
                Report.write(h, scenario, result);
                return 0;
            }
        }
    }

    // ---------------------------------------------------------------------------------------- set-up

    static String benchUnitId(int i) {
        return String.format("00000000-0000-7000-9000-%012d", i + 1);
    }

    static String benchUnitExternalId(int i) {
        return "bench-u" + (i + 1);
    }

    /**
     * One unit per pair, so each caseworker's inbox socket gets only its own pair's conversation: a
     * message then goes to exactly two sockets, the citizen's and one caseworker's.
     */
    private static void addBenchUnits(Harness h, int count) throws Exception {
        try (Connection c = h.jdbc(); PreparedStatement ps = c
                .prepareStatement("INSERT INTO unit (id, tenant_id, name, external_id) VALUES (?::uuid, ?::uuid, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                ps.setString(1, benchUnitId(i));
                ps.setString(2, Harness.TENANT_TESTBY);
                ps.setString(3, "Bench unit " + (i + 1));
                ps.setString(4, benchUnitExternalId(i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * --channel-policy sms|app-then-sms: every conversation sends SMS, so each caseworker message also
     * writes an SMS outbox row in its statement (what this measures). The service has no gateway token,
     * so the relay is off and nothing leaves the machine; the rows stay queued.
     */
    private static void smsPolicy(Harness h, String policy) throws Exception {
        try (Connection c = h.jdbc(); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO sms_tenant (tenant_id, sender, receiver) VALUES ('" + Harness.TENANT_TESTBY
                    + "', 'Bench', '4500000000') ON CONFLICT DO NOTHING");
            st.executeUpdate("UPDATE conversation SET channel_policy = '" + policy + "' WHERE tenant_id = '"
                    + Harness.TENANT_TESTBY + "'");
        }
        System.out.println("every conversation has channel policy " + policy + " (SMS outbox rows, relay off)");
    }

    private Peer[] peers(String kind, int n) {
        Peer[] p = new Peer[n];
        for (int i = 0; i < n; i++) {
            Peer peer = new Peer(new Sockets.Conn(i), kind + "-" + i);
            peer.conn.onFrame = f -> onFrame(peer, f);
            peer.conn.onClose = () -> {
                if (!closing) {
                    unexpectedCloses.incrementAndGet();
                }
            };
            p[i] = peer;
        }
        return p;
    }

    private static List<Sockets.Conn> conns(Peer[] peers) {
        List<Sockets.Conn> l = new ArrayList<>(peers.length);
        for (Peer p : peers) {
            l.add(p.conn);
        }
        return l;
    }

    // ---------------------------------------------------------------------------------------- frames

    private void onFrame(Peer self, JsonNode f) {
        long now = System.nanoTime();
        switch (f.path("type").asText()) {
            case "ack" -> {
                Pending p = pending.get(f.path("clientMessageId").asText());
                if (p == null) {
                    unknownFrames.incrementAndGet();
                    return;
                }
                seen(self, f.path("conversationId").asText(), f.path("seq").asLong());
                if (p.ack == 0) {
                    p.seq = f.path("seq").asLong();
                    p.ack = now;
                    p.step.ack.recordNanos(now - p.sent);
                } else {
                    duplicateAcks.incrementAndGet();
                }
            }
            case "message" -> {
                JsonNode m = f.path("message");
                seen(self, m.path("conversationId").asText(), m.path("seq").asLong());
                Pending p = pending.get(m.path("clientMessageId").asText());
                if (p == null) {
                    unknownFrames.incrementAndGet();
                } else if (p.to == self) {
                    if (p.delivered == 0) {
                        p.delivered = now;
                        p.step.delivery.recordNanos(now - p.sent);
                    } else {
                        p.step.duplicateDeliveries.incrementAndGet();
                    }
                } else {
                    p.step.otherStaffDeliveries.incrementAndGet();
                }
            }
            case "error" -> {
                String code = f.path("code").asText();
                Pending p = f.hasNonNull("ref") ? pending.get(f.path("ref").asText()) : null;
                if (p != null) {
                    p.error = code;
                    p.step.errors.merge(code, 1, Integer::sum);
                } else {
                    otherErrors.merge(code, 1, Integer::sum);
                }
            }
            default -> {
                // conversation, read, delivered, typing, pong: not part of this measurement
            }
        }
    }

    /** Per socket and conversation, frames must come in seq order without gaps (the ordering guarantee). */
    private void seen(Peer self, String conversation, long seq) {
        Long last = self.lastSeq.put(conversation, seq);
        if (last != null && seq != last + 1) {
            orderViolations.incrementAndGet();
        }
    }

    // ---------------------------------------------------------------------------------------- sending

    private void runStep(Step step, String prefix, CpuMeter cpu, int settleSeconds) {
        long total = (long) step.rate * step.seconds;
        double interval = 1e9 / step.rate;
        PgStats.Snapshot p0 = pgStats.snapshot();
        CpuMeter.Snapshot c0 = cpu.snapshot();
        long start = System.nanoTime();
        long hardEnd = start + TimeUnit.SECONDS.toNanos(step.seconds + 5L);
        step.start = start;
        long n = 0;
        while (n < total) {
            long now = System.nanoTime();
            if (now > hardEnd) {
                break; // the tool itself cannot keep up: what was sent is what is reported
            }
            long due = Math.min(total, (long) ((now - start) / interval) + 1);
            while (n < due) {
                step.maxLagNanos = Math.max(step.maxLagNanos, now - (start + (long) (n * interval)));
                send(step, prefix + n);
                n++;
            }
            LockSupport.parkNanos(200_000);
        }
        step.end = System.nanoTime();
        step.cpu = CpuMeter.split(c0, cpu.snapshot());
        step.postgresWork = PgStats.perMessage(p0, pgStats.snapshot(), (Double) step.cpu.get("postgresPct"),
                (Double) step.cpu.get("seconds"), pgStats.indexes());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settleSeconds);
        while (System.nanoTime() < deadline && !settled(step)) {
            Harness.sleep(50);
        }
    }

    private static boolean settled(Step step) {
        for (Pending p : step.sent) {
            if (p.error == null && (p.ack == 0 || p.delivered == 0)) {
                return false;
            }
        }
        return true;
    }

    private void send(Step step, String cmid) {
        int pair = (int) (globalSends++ % pairSends.length);
        boolean fromCitizen = (pairSends[pair]++ & 1) == 0;
        Peer citizen = citizens[pair];
        Peer caseworker = staff[perPairStaff ? pair : pair % staff.length];
        Peer from = fromCitizen ? citizen : caseworker;
        Peer to = fromCitizen ? caseworker : citizen;
        String conversation = conversations[pair];
        Pending p = new Pending(step, to, conversation);
        pending.put(cmid, p);
        step.sent.add(p);
        String frame = "{\"type\":\"send\",\"id\":\"" + cmid + "\",\"conversationId\":\"" + conversation
                + "\",\"clientMessageId\":\"" + cmid + "\",\"body\":" + bodies[(int) (globalSends % bodies.length)]
                + "}";
        p.sent = System.nanoTime();
        from.conn.send(frame);
    }

    private static long acked(Step step) {
        return step.sent.stream().filter(p -> p.ack != 0).count();
    }

    // ---------------------------------------------------------------------------------------- checks

    /** How long the history check may take in all; past it, unread conversations count as unverified. */
    private static final long VERIFY_SECONDS = 300;
    /** Attempts per history page: after an overloaded step the service may still be working off its backlog. */
    private static final int READ_ATTEMPTS = 5;

    /**
     * Every acknowledged message is in the history exactly once, with its acked seq; seqs are 1..n. A
     * conversation whose history cannot be read (the service still overloaded, or gone) is reported as
     * unverified — its steps do not hold — and the check goes on with the others: an overload is a result,
     * not the end of the run.
     */
    private Map<String, Object> verify(Rest rest, List<String> citizenTokens) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < conversations.length; i++) {
            index.put(conversations[i], i);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(VERIFY_SECONDS);
        Map<String, Integer> readFailures = new ConcurrentHashMap<>();
        // each thread stops trying at the deadline; the one call in flight then ends within its 30 s timeout
        List<Map<String, Long>> stored = Rest.parallel(conversations.length, 8, VERIFY_SECONDS + 60,
                i -> history(rest, citizenTokens.get(i), conversations[i], deadline, readFailures));
        List<Integer> unreadable = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            if (stored.get(i) == null) {
                unreadable.add(i);
            }
        }
        long acked = 0;
        long missing = 0;
        long seqMismatch = 0;
        long storedUnacked = 0;
        long unverified = 0;
        long gaps = 0;
        long doubled = 0;
        long storedTotal = 0;
        for (Map<String, Long> s : stored) {
            if (s != null) {
                gaps += s.get("#gaps");
                doubled += s.get("#doubled");
                storedTotal += s.get("#count");
            }
        }
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            Map<String, Long> history = stored.get(index.get(p.conversation));
            if (history == null) {
                if (p.ack != 0) {
                    acked++;
                    unverified++;
                    p.step.unverified++;
                }
                continue;
            }
            Long seq = history.get(e.getKey());
            if (p.ack != 0) {
                acked++;
                if (seq == null) {
                    missing++;
                    p.step.missing++;
                } else if (seq != p.seq) {
                    seqMismatch++;
                    p.step.seqMismatch++;
                }
            } else if (seq != null) {
                storedUnacked++;
            }
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("sends", pending.size());
        v.put("acked", acked);
        v.put("storedMessages", storedTotal);
        v.put("ackedButMissing", missing);
        v.put("storedTwice", doubled);
        v.put("ackedSeqDiffers", seqMismatch);
        v.put("seqGaps", gaps);
        v.put("storedWithoutAck", storedUnacked);
        v.put("conversationsUnreadable", unreadable.size());
        v.put("ackedUnverified", unverified);
        v.put("historyReadFailures", new java.util.TreeMap<>(readFailures));
        v.put("perSocketOrderViolations", orderViolations.get());
        v.put("duplicateAcks", duplicateAcks.get());
        v.put("unknownFrames", unknownFrames.get());
        v.put("ok", missing == 0 && doubled == 0 && seqMismatch == 0 && gaps == 0 && orderViolations.get() == 0
                && unreadable.isEmpty());
        if (!unreadable.isEmpty()) {
            System.out.printf("history of %d conversation(s) could not be read (%s): their %d acknowledged sends are"
                    + " unverified and their steps do not hold%n", unreadable.size(), readFailures, unverified);
        }
        return v;
    }

    /**
     * One conversation's history by pages, each page retried with back-off (1, 2, 4, 8 s) while the
     * service answers with a connection error (-1: refused, reset or 30 s without an answer), 429 or 5xx.
     * Null when it cannot be read completely before the deadline.
     */
    private static Map<String, Long> history(Rest rest, String token, String conversation, long deadline,
            Map<String, Integer> failures) {
        Map<String, Long> byCmid = new HashMap<>();
        long after = 0;
        long expected = 1;
        long gaps = 0;
        long doubled = 0;
        for (int page = 0; page < 100_000; page++) {
            Rest.Response r = null;
            for (int attempt = 0; attempt < READ_ATTEMPTS && System.nanoTime() < deadline; attempt++) {
                if (attempt > 0) {
                    Harness.sleep(1000L << (attempt - 1));
                }
                r = rest.get(token, "/api/v1/conversations/" + conversation + "/messages?after=" + after + "&limit=200");
                if (r.status() == 200) {
                    break;
                }
                failures.merge(String.valueOf(r.status()), 1, Integer::sum);
                if (r.status() != -1 && r.status() != 429 && r.status() < 500) {
                    break; // 4xx: retrying will not change it
                }
            }
            if (r == null || r.status() != 200) {
                return null;
            }
            for (JsonNode m : r.body().path("items")) {
                long seq = m.path("seq").asLong();
                if (seq != expected) {
                    gaps++;
                }
                expected = seq + 1;
                if (byCmid.put(m.path("clientMessageId").asText(), seq) != null) {
                    doubled++;
                }
                after = seq;
            }
            if (!r.body().path("hasMore").asBoolean()) {
                break;
            }
        }
        byCmid.put("#gaps", gaps);
        byCmid.put("#doubled", doubled);
        byCmid.put("#count", expected - 1);
        return byCmid;
    }

    /** The history check when it cannot run at all: every acknowledged send is unverified. */
    private Map<String, Object> unverifiable(String reason) {
        long acked = 0;
        for (Pending p : pending.values()) {
            if (p.ack != 0) {
                acked++;
                p.step.unverified++;
            }
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("sends", pending.size());
        v.put("acked", acked);
        v.put("ackedUnverified", acked);
        v.put("notChecked", reason);
        v.put("ok", false);
        return v;
    }

    private Map<String, Object> stepResult(Step step) {
        double secs = (step.end - step.start) / 1e9;
        long sent = step.sent.size();
        long ackedInWindow = 0;
        long acked = 0;
        long errored = 0;
        long undelivered = 0;
        for (Pending p : step.sent) {
            if (p.ack != 0) {
                acked++;
                if (p.ack <= step.end) {
                    ackedInWindow++;
                }
                if (p.delivered == 0) {
                    undelivered++;
                }
            } else if (p.error != null) {
                errored++;
            }
        }
        long unacked = sent - acked - errored;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targetPerSecond", step.rate);
        m.put("seconds", Math.round(secs * 100) / 100.0);
        m.put("sent", sent);
        m.put("sentPerSecond", Math.round(sent / secs));
        m.put("ackedPerSecond", Math.round(ackedInWindow / secs));
        m.put("acked", acked);
        m.put("ackLatency", step.ack.summary());
        m.put("deliveryLatency", step.delivery.summary());
        m.put("errorFrames", new java.util.TreeMap<>(step.errors));
        m.put("unackedAfterSettle", unacked);
        m.put("undeliveredAfterSettle", undelivered);
        m.put("duplicateDeliveries", step.duplicateDeliveries.get());
        m.put("deliveriesToOtherStaffSockets", step.otherStaffDeliveries.get());
        m.put("ackedButMissing", step.missing);
        m.put("ackedSeqDiffers", step.seqMismatch);
        m.put("ackedUnverified", step.unverified);
        m.put("schedulerMaxLagMs", Math.round(step.maxLagNanos / 1e5) / 10.0);
        m.put("cpu", step.cpu);
        m.put("postgresWork", step.postgresWork);
        double p99 = step.delivery.percentileMs(99);
        boolean held = ackedInWindow >= 0.95 * step.rate * step.seconds && !Double.isNaN(p99) && p99 < 100
                && errored == 0 && unacked == 0 && undelivered == 0 && step.missing == 0 && step.seqMismatch == 0
                && step.unverified == 0 && step.duplicateDeliveries.get() == 0;
        m.put("held", held);
        return m;
    }

    private static Report.Table stepTable() {
        return new Report.Table("target/s", "sent/s", "acked/s", "ack p50/p95/p99/max ms",
                "delivery p50/p95/p99/max ms", "errors", "unacked", "undeliv.", "lost", "CPU% svc/pg/tool/other",
                "held");
    }

    private static void row(Report.Table t, Step step, Map<String, Object> sr) {
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) sr.get("cpu");
        long errors = step.errors.values().stream().mapToLong(Integer::longValue).sum();
        t.row(step.rate, sr.get("sentPerSecond"), sr.get("ackedPerSecond"), step.ack.cell(), step.delivery.cell(),
                errors, sr.get("unackedAfterSettle"), sr.get("undeliveredAfterSettle"),
                step.unverified == 0 ? step.missing : step.missing + " (" + step.unverified + " unverified)",
                c.get("servicePct") + "/" + c.get("postgresPct") + "/" + c.get("loadToolPct") + "/" + c.get("otherPct"),
                (Boolean) sr.get("held") ? "yes" : "no");
    }
}
