package dk.samtale.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scenario 4: the case journal. Runs the chat load (scenario 1's steps), then, with the service still
 * up: (a) journaling lag per step — from each message's time to its entry being written, over every
 * message of the step, read from the database (journal_entry.sequenced_at − committed_at); (b) pull
 * throughput — a case system reading the whole feed through {@code GET /api/v1/journal/entries}, page
 * by page, as fast as it can, several passes; entries per second as the client sees them, every page
 * parsed, every position checked to follow the one before.
 */
final class JournalScenario {

    static final Set<String> OPTIONS;
    static {
        Set<String> o = new HashSet<>(ChatScenario.OPTIONS);
        o.addAll(Set.of("pull-limit", "pull-passes"));
        OPTIONS = Set.copyOf(o);
    }

    private JournalScenario() {
    }

    static int run(Args args) throws Exception {
        args.defaults(Map.of("steps", "1000,2000", "seconds", "20", "baseline-seconds", "0"));
        int limit = args.integer("pull-limit", 1000);
        int passes = args.integer("pull-passes", 3);
        if (limit < 1 || limit > 1000 || passes < 1 || passes > 20) {
            throw new Harness.Fail("--pull-limit 1..1000, --pull-passes 1..20");
        }
        ChatScenario chat = new ChatScenario(args);
        chat.scenario = "journal";
        chat.afterLoad = (h, result) -> {
            int steps = args.ints("steps", "1000,2000").length;
            result.put("journalDrainMs", drain(h));
            Report.Table lagTable = new Report.Table(new String[]{"step", "rate", "entries", "lag p50 ms",
                    "lag p99 ms", "lag max ms"});
            List<Map<String, Object>> lags = new ArrayList<>();
            int[] rates = args.ints("steps", "1000,2000");
            for (int s = 0; s < steps; s++) {
                Map<String, Object> lag = lag(h, "b-" + s + "-%");
                lag.put("rate", rates[s]);
                lags.add(lag);
                lagTable.row("step-" + s, rates[s] + "/s", String.valueOf(lag.get("entries")),
                        String.valueOf(lag.get("p50Ms")), String.valueOf(lag.get("p99Ms")),
                        String.valueOf(lag.get("maxMs")));
            }
            result.put("journalLag", lags);
            System.out.println("\njournaling lag (message time -> entry written), per chat step:");
            lagTable.print();

            String token = h.identity().service("bench-case-system", "journal-reader");
            Rest rest = new Rest(h.base());
            List<Map<String, Object>> pulls = new ArrayList<>();
            Report.Table pullTable = new Report.Table(new String[]{"pass", "entries", "pages", "seconds",
                    "entries/s"});
            for (int p = 0; p < passes; p++) {
                Map<String, Object> pull = pull(rest, token, limit);
                pulls.add(pull);
                pullTable.row(String.valueOf(p + 1), String.valueOf(pull.get("entries")),
                        String.valueOf(pull.get("pages")), String.valueOf(pull.get("seconds")),
                        String.valueOf(pull.get("entriesPerSecond")));
            }
            result.put("journalPull", pulls);
            System.out.printf("%npull throughput (GET /api/v1/journal/entries?limit=%d, one consumer, signed and"
                    + " hash-chained entries):%n", limit);
            pullTable.print();
        };
        return chat.run();
    }

    /** Waits until every message has its journal entry; how long that took after the load. */
    private static long drain(Harness h) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Connection c = h.jdbc(); PreparedStatement st = c.prepareStatement(
                    "SELECT (SELECT count(*) FROM message) - (SELECT count(*) FROM journal_entry WHERE message_id IS NOT NULL)");
                    ResultSet rs = st.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
            }
            Harness.sleep(100);
        }
        throw new Harness.Fail("the journal did not catch up with the messages within 120 s");
    }

    private static Map<String, Object> lag(Harness h, String clientMessageIds) throws Exception {
        try (Connection c = h.jdbc(); PreparedStatement st = c.prepareStatement("""
                SELECT count(*),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.sequenced_at - e.committed_at)),
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM e.sequenced_at - e.committed_at)),
                       max(extract(epoch FROM e.sequenced_at - e.committed_at)),
                       (SELECT count(*) FROM message WHERE client_message_id LIKE ?)
                FROM journal_entry e JOIN message m ON m.id = e.message_id WHERE m.client_message_id LIKE ?""")) {
            st.setString(1, clientMessageIds);
            st.setString(2, clientMessageIds);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("entries", rs.getLong(1));
                m.put("messages", rs.getLong(5));
                m.put("p50Ms", Math.round(rs.getDouble(2) * 1000));
                m.put("p99Ms", Math.round(rs.getDouble(3) * 1000));
                m.put("maxMs", Math.round(rs.getDouble(4) * 1000));
                if (rs.getLong(1) != rs.getLong(5)) {
                    throw new Harness.Fail("messages without exactly one entry: " + m);
                }
                return m;
            }
        }
    }

    /** Reads the whole feed from position 0, page by page, checking that positions follow each other. */
    private static Map<String, Object> pull(Rest rest, String token, int limit) {
        long t0 = System.nanoTime();
        long after = 0;
        long entries = 0;
        int pages = 0;
        while (true) {
            Rest.Response r = rest.get(token, "/api/v1/journal/entries?after=" + after + "&limit=" + limit);
            if (r.status() != 200) {
                throw new Harness.Fail("pulling the journal answered " + r.status() + ": " + r.body());
            }
            pages++;
            for (JsonNode item : r.body().path("items")) {
                long position = item.path("position").asLong();
                if (position != after + 1) {
                    throw new Harness.Fail("the feed skipped from " + after + " to " + position);
                }
                after = position;
                entries++;
            }
            if (!r.body().path("hasMore").asBoolean()) {
                break;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entries", entries);
        m.put("pages", pages);
        m.put("seconds", Math.round(seconds * 100) / 100.0);
        m.put("entriesPerSecond", Math.round(entries / seconds));
        return m;
    }
}
