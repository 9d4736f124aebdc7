package dk.samtale.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL's own limit for the message write on this machine: N client threads, each committing one
 * transaction per message (message row + outbox row, durable commit), through JDBC, for a fixed time.
 * The service is not involved; this is the ceiling the chat figure is compared with.
 */
final class Baseline {

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS bench_message (id uuid PRIMARY KEY, conversation_id uuid NOT NULL,
                seq bigint NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL);
            CREATE TABLE IF NOT EXISTS bench_outbox (message_id uuid PRIMARY KEY, created_at timestamptz NOT NULL);
            TRUNCATE bench_message, bench_outbox;
            """;
    /** A bound on the loop besides time. */
    private static final long MAX_TX_PER_THREAD = 5_000_000;

    private Baseline() {
    }

    /** One run per client count; adds a row per run to {@code table}. */
    static List<Map<String, Object>> run(Harness h, CpuMeter cpu, int[] clientCounts, int seconds, int warmupSeconds,
            Report.Table table) throws SQLException, InterruptedException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int clients : clientCounts) {
            Map<String, Object> r = once(h, cpu, clients, seconds, warmupSeconds);
            out.add(r);
            @SuppressWarnings("unchecked")
            Map<String, Object> l = (Map<String, Object>) r.get("commitLatency");
            @SuppressWarnings("unchecked")
            Map<String, Object> c = (Map<String, Object>) r.get("cpu");
            table.row(clients, r.get("txPerSecond"), l.get("p50Ms") + "/" + l.get("p95Ms") + "/" + l.get("p99Ms") + "/"
                    + l.get("maxMs"), r.get("commitsPerWalSync"), r.get("errors"),
                    c.get("postgresPct") + "/" + c.get("loadToolPct") + "/" + c.get("otherPct"));
        }
        return out;
    }

    static Report.Table table() {
        return new Report.Table("clients", "tx/s", "commit p50/p95/p99/max ms", "commits/WAL sync", "errors",
                "CPU% pg/tool/other");
    }

    private static Map<String, Object> once(Harness h, CpuMeter cpu, int clients, int seconds, int warmupSeconds)
            throws SQLException, InterruptedException {
        try (Connection c = h.jdbc(); Statement s = c.createStatement()) {
            s.execute(SCHEMA);
        }
        String body = Bodies.text(new Random(7), 300);
        UUID[] conversations = new UUID[200];
        Random r = new Random(11);
        for (int i = 0; i < conversations.length; i++) {
            conversations[i] = new UUID(r.nextLong(), r.nextLong());
        }
        Latency latency = new Latency();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicLong committed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int id = t;
            Thread th = new Thread(() -> loop(h, id, conversations, body, stop, measuring, committed, errors, latency),
                    "baseline-" + t);
            th.start();
            threads.add(th);
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
        long[] wal0 = wal(h);
        CpuMeter.Snapshot c0 = cpu.snapshot();
        long t0 = System.nanoTime();
        measuring.set(true);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        measuring.set(false);
        long t1 = System.nanoTime();
        CpuMeter.Snapshot c1 = cpu.snapshot();
        long[] wal1 = wal(h);
        stop.set(true);
        for (Thread th : threads) {
            th.join(30_000);
        }
        double secs = (t1 - t0) / 1e9;
        long n = committed.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clients", clients);
        m.put("seconds", Math.round(secs * 100) / 100.0);
        m.put("transactions", n);
        m.put("txPerSecond", Math.round(n / secs));
        m.put("commitLatency", latency.summary());
        long syncs = wal1[0] - wal0[0];
        m.put("walSyncs", syncs);
        m.put("commitsPerWalSync", syncs > 0 ? Math.round(n * 100.0 / syncs) / 100.0 : null);
        m.put("errors", errors.get());
        m.put("cpu", CpuMeter.split(c0, c1));
        return m;
    }

    private static void loop(Harness h, int id, UUID[] conversations, String body, AtomicBoolean stop,
            AtomicBoolean measuring, AtomicLong committed, AtomicLong errors, Latency latency) {
        Random r = new Random(id);
        try (Connection c = h.jdbc();
                PreparedStatement msg = c.prepareStatement(
                        "INSERT INTO bench_message (id, conversation_id, seq, body, created_at) VALUES (?, ?, ?, ?, now())");
                PreparedStatement outbox = c.prepareStatement(
                        "INSERT INTO bench_outbox (message_id, created_at) VALUES (?, now())")) {
            c.setAutoCommit(false);
            for (long seq = 1; seq <= MAX_TX_PER_THREAD && !stop.get(); seq++) {
                UUID mid = uuid7(r);
                long start = System.nanoTime();
                try {
                    msg.setObject(1, mid);
                    msg.setObject(2, conversations[r.nextInt(conversations.length)]);
                    msg.setLong(3, seq);
                    msg.setString(4, body);
                    msg.executeUpdate();
                    outbox.setObject(1, mid);
                    outbox.executeUpdate();
                    c.commit();
                    if (measuring.get()) {
                        latency.recordNanos(System.nanoTime() - start);
                        committed.incrementAndGet();
                    }
                } catch (SQLException e) {
                    errors.incrementAndGet();
                    c.rollback();
                }
            }
        } catch (SQLException e) {
            errors.incrementAndGet();
        }
    }

    /** Time-ordered ids like the service's (UUIDv7), so index inserts behave the same. */
    static UUID uuid7(Random r) {
        long ms = System.currentTimeMillis();
        long hi = (ms << 16) | 0x7000L | (r.nextInt() & 0x0fffL);
        long lo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(hi, lo);
    }

    /** {wal_sync, wal_write} from pg_stat_wal (PostgreSQL 14+), or zeros. */
    private static long[] wal(Harness h) {
        try (Connection c = h.jdbc(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT wal_sync, wal_write FROM pg_stat_wal")) {
            rs.next();
            return new long[]{rs.getLong(1), rs.getLong(2)};
        } catch (SQLException e) {
            return new long[]{0, 0};
        }
    }
}
