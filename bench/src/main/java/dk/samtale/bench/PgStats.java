package dk.samtale.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's own account of the write work between two snapshots, per stored message: WAL (records,
 * full-page images, bytes from {@code pg_stat_wal}), commits, rows inserted/updated/deleted per table
 * and the index entries they made (non-HOT row versions × the table's indexes), and from
 * {@code pg_stat_statements} how often each statement was planned and executed. The denominator is
 * the rows inserted into {@code message} in the window, so journal, push and SMS work done after the
 * message's commit is counted against the messages that caused it.
 *
 * <p>Statement planning is only counted with {@code pg_stat_statements.track_planning=on}, which the
 * harness sets; without the extension loaded the statement part is empty and the rest still works.
 */
final class PgStats implements AutoCloseable {

    record Table(long ins, long upd, long hotUpd, long del) {
    }

    record Stmt(String query, long calls, long plans, double execMs, double planMs) {
    }

    record Snapshot(long walRecords, long walFpi, long walBytes, long commits, Map<String, Table> tables,
            Map<Long, Stmt> statements) {
    }

    private final Connection c;
    private final Map<String, Integer> indexes = new HashMap<>();
    private boolean statementsAvailable;

    PgStats(Harness h) throws SQLException {
        c = h.jdbc();
        try (Statement s = c.createStatement()) {
            try {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                s.executeQuery("SELECT 1 FROM pg_stat_statements LIMIT 1").close();
                statementsAvailable = true;
            } catch (SQLException e) {
                System.out.println("pg_stat_statements not available (" + e.getMessage().lines().findFirst().orElse("")
                        + "): statement plans/calls are not reported");
            }
        }
    }

    Snapshot snapshot() {
        try (Statement s = c.createStatement()) {
            long walRecords = 0;
            long walFpi = 0;
            long walBytes = 0;
            try (ResultSet rs = s.executeQuery("SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal")) {
                if (rs.next()) {
                    walRecords = rs.getLong(1);
                    walFpi = rs.getLong(2);
                    walBytes = rs.getLong(3);
                }
            }
            long commits;
            try (ResultSet rs = s.executeQuery(
                    "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                commits = rs.getLong(1);
            }
            Map<String, Table> tables = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del"
                    + " FROM pg_stat_user_tables WHERE schemaname = 'public'")) {
                while (rs.next()) {
                    tables.put(rs.getString(1), new Table(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
                }
            }
            if (indexes.isEmpty()) {
                try (ResultSet rs = s.executeQuery("SELECT relname, count(*) FROM pg_stat_user_indexes"
                        + " WHERE schemaname = 'public' GROUP BY relname")) {
                    while (rs.next()) {
                        indexes.put(rs.getString(1), rs.getInt(2));
                    }
                }
            }
            Map<Long, Stmt> statements = new HashMap<>();
            if (statementsAvailable) {
                try (ResultSet rs = s.executeQuery("SELECT queryid, left(regexp_replace(query, '\\s+', ' ', 'g'), 90),"
                        + " calls, plans, total_exec_time, total_plan_time FROM pg_stat_statements"
                        + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
                    while (rs.next()) {
                        statements.put(rs.getLong(1), new Stmt(rs.getString(2), rs.getLong(3), rs.getLong(4),
                                rs.getDouble(5), rs.getDouble(6)));
                    }
                }
            }
            return new Snapshot(walRecords, walFpi, walBytes, commits, tables, statements);
        } catch (SQLException e) {
            throw new IllegalStateException("reading PostgreSQL's statistics: " + e.getMessage(), e);
        }
    }

    /**
     * Work per stored message between a and b; {@code postgresPct} and {@code seconds} are the CPU meter's
     * reading of the same window (PostgreSQL's CPU as % of one core).
     */
    static Map<String, Object> perMessage(Snapshot a, Snapshot b, double postgresPct, double seconds,
            Map<String, Integer> indexes) {
        Map<String, Object> m = new LinkedHashMap<>();
        long messages = delta(a, b, "message").ins();
        m.put("messagesStored", messages);
        if (messages <= 0) {
            return m;
        }
        double n = messages;
        m.put("postgresCpuMsPerMessage", round(postgresPct / 100 * seconds * 1000 / n, 3));
        m.put("walBytesPerMessage", Math.round((b.walBytes() - a.walBytes()) / n));
        m.put("walRecordsPerMessage", round((b.walRecords() - a.walRecords()) / n, 2));
        m.put("walFullPageImagesPerMessage", round((b.walFpi() - a.walFpi()) / n, 3));
        m.put("commitsPerMessage", round((b.commits() - a.commits()) / n, 2));
        Map<String, Object> rows = new LinkedHashMap<>();
        double ins = 0;
        double upd = 0;
        double del = 0;
        double indexEntries = 0;
        for (String t : b.tables().keySet().stream().sorted().toList()) {
            Table d = delta(a, b, t);
            if (d.ins() + d.upd() + d.del() == 0) {
                continue;
            }
            ins += d.ins();
            upd += d.upd();
            del += d.del();
            int idx = indexes.getOrDefault(t, 0);
            indexEntries += (double) (d.ins() + d.upd() - d.hotUpd()) * idx;
            rows.put(t, "ins " + round(d.ins() / n, 2) + " upd " + round(d.upd() / n, 2) + " (hot "
                    + round(d.hotUpd() / n, 2) + ") del " + round(d.del() / n, 2) + ", " + idx + " indexes");
        }
        m.put("rowsInsertedPerMessage", round(ins / n, 2));
        m.put("rowsUpdatedPerMessage", round(upd / n, 2));
        m.put("rowsDeletedPerMessage", round(del / n, 2));
        m.put("indexEntriesPerMessage", round(indexEntries / n, 2));
        m.put("tables", rows);
        if (!b.statements().isEmpty()) {
            List<Map<String, Object>> top = new ArrayList<>();
            long calls = 0;
            long plans = 0;
            List<Map.Entry<Long, Stmt>> ds = new ArrayList<>();
            for (Map.Entry<Long, Stmt> e : b.statements().entrySet()) {
                Stmt before = a.statements().getOrDefault(e.getKey(), new Stmt("", 0, 0, 0, 0));
                Stmt now = e.getValue();
                Stmt d = new Stmt(now.query(), now.calls() - before.calls(), now.plans() - before.plans(),
                        now.execMs() - before.execMs(), now.planMs() - before.planMs());
                if (d.calls() > 0) {
                    calls += d.calls();
                    plans += d.plans();
                    ds.add(Map.entry(e.getKey(), d));
                }
            }
            ds.sort(Comparator.comparingDouble((Map.Entry<Long, Stmt> e) -> -(e.getValue().execMs()
                    + e.getValue().planMs())));
            for (Map.Entry<Long, Stmt> e : ds.subList(0, Math.min(6, ds.size()))) {
                Stmt d = e.getValue();
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("query", d.query());
                s.put("calls", d.calls());
                s.put("plans", d.plans());
                s.put("execMsPerCall", round(d.execMs() / d.calls(), 4));
                s.put("planMsPerCall", round(d.planMs() / d.calls(), 4));
                top.add(s);
            }
            m.put("statementCalls", calls);
            m.put("statementPlans", plans);
            m.put("topStatements", top);
        }
        return m;
    }

    Map<String, Integer> indexes() {
        return indexes;
    }

    /** One line for the console: the figures a reader compares between builds. */
    static String line(Map<String, Object> m) {
        if (!m.containsKey("walBytesPerMessage")) {
            return "no message stored";
        }
        return String.format("per message: PostgreSQL CPU %s ms, WAL %s B in %s records (%s FPI), %s commits,"
                + " rows ins/upd/del %s/%s/%s, index entries %s; statements %s calls, %s plans",
                m.get("postgresCpuMsPerMessage"), m.get("walBytesPerMessage"), m.get("walRecordsPerMessage"),
                m.get("walFullPageImagesPerMessage"), m.get("commitsPerMessage"), m.get("rowsInsertedPerMessage"),
                m.get("rowsUpdatedPerMessage"), m.get("rowsDeletedPerMessage"), m.get("indexEntriesPerMessage"),
                m.getOrDefault("statementCalls", "?"), m.getOrDefault("statementPlans", "?"));
    }

    private static Table delta(Snapshot a, Snapshot b, String table) {
        Table x = a.tables().getOrDefault(table, new Table(0, 0, 0, 0));
        Table y = b.tables().getOrDefault(table, new Table(0, 0, 0, 0));
        return new Table(y.ins() - x.ins(), y.upd() - x.upd(), y.hotUpd() - x.hotUpd(), y.del() - x.del());
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    @Override
    public void close() {
        try {
            c.close();
        } catch (SQLException e) {
            // the database may already be gone at the end of a run
        }
    }
}
