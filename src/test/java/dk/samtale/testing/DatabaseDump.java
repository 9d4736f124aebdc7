package dk.samtale.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.ds.PGSimpleDataSource;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.security.SimplePassword;

/**
 * A logical backup of a database and its restore into a fresh database on the same server, made the way
 * pg_dump and pg_restore move data (the COPY protocol, binary format) because the embedded PostgreSQL ships
 * no pg_dump. Tests use it to show what a backup taken at some moment still holds later, e.g. that a
 * restored copy cannot open a conversation whose key was destroyed after the dump.
 *
 * <p>
 * What is dumped: every table of schema {@code public} but Flyway's history, and every sequence's value.
 * The schema is not dumped: the restore builds it with the same Flyway migrations as the source, so a
 * dump is only restorable by the code that took it (which is all a test needs). The dump is held in memory.
 */
public final class DatabaseDump {

    private static final Logger LOG = Logger.getLogger(DatabaseDump.class);
    /** Database names go into a JDBC URL and DDL unquoted by the caller; anything else is refused. */
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern JDBC_URL = Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?");

    private final Server server;
    private final List<String> migrations;
    private final Map<String, Table> tables;
    private final Map<String, Sequence> sequences;

    private DatabaseDump(Server server, List<String> migrations, Map<String, Table> tables,
            Map<String, Sequence> sequences) {
        this.server = server;
        this.migrations = migrations;
        this.tables = tables;
        this.sequences = sequences;
    }

    /**
     * Dumps the service's database through its pool; the server's address and credentials come from the
     * pool's configuration, the migrations from {@code quarkus.flyway.locations}.
     */
    public static DatabaseDump take(AgroalDataSource source) throws SQLException {
        AgroalConnectionFactoryConfiguration config = source.getConfiguration().connectionPoolConfiguration()
                .connectionFactoryConfiguration();
        String password = config.credentials().stream().filter(SimplePassword.class::isInstance)
                .map(c -> ((SimplePassword) c).getWord()).findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "the pool has no plain password; use take(jdbcUrl, user, password, migrations)"));
        Server server = new Server(config.jdbcUrl(), config.principal().getName(), password);
        List<String> migrations = List.of(ConfigProvider.getConfig().getValue("quarkus.flyway.locations",
                String[].class));
        try (Connection connection = source.getConnection()) {
            return take(connection, server, migrations);
        }
    }

    /**
     * Dumps any database of the server (a restored copy, another feature's database); {@code migrations} are
     * the Flyway locations that build its schema, for a later restore.
     */
    public static DatabaseDump take(String jdbcUrl, String user, String password, String... migrations)
            throws SQLException {
        Server server = new Server(jdbcUrl, user, password);
        try (Connection connection = server.connect()) {
            return take(connection, server, List.of(migrations));
        }
    }

    private static DatabaseDump take(Connection connection, Server server, List<String> migrations)
            throws SQLException {
        long started = System.nanoTime();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            // one snapshot for every table, as pg_dump takes: rows written by a transaction that commits
            // while the dump runs are in no table or in all of them
            try (Statement s = connection.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
            }
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            Map<String, Table> tables = new LinkedHashMap<>();
            for (Map.Entry<String, String> t : tablesOf(connection).entrySet()) {
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                long rows = copy.copyOut("COPY " + t.getKey() + " (" + t.getValue() + ") TO STDOUT (FORMAT binary)",
                        data);
                tables.put(t.getKey(), new Table(t.getValue(), data.toByteArray(), rows));
            }
            Map<String, Sequence> sequences = sequencesOf(connection);
            connection.commit();
            DatabaseDump dump = new DatabaseDump(server, migrations, tables, sequences);
            LOG.infof("dumped %d tables (%d rows, %d bytes) and %d sequences in %d ms", tables.size(),
                    tables.values().stream().mapToLong(Table::rows).sum(),
                    tables.values().stream().mapToLong(t -> t.data().length).sum(), sequences.size(),
                    (System.nanoTime() - started) / 1_000_000);
            return dump;
        } catch (IOException e) {
            connection.rollback();
            throw new UncheckedIOException(e);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * Ordinary tables of schema public, each with its quoted name and its quoted columns in order; COPY
     * names the columns (as pg_dump's does) so a restore does not depend on the column order of the target.
     * Generated columns are computed again on restore and cannot be copied into.
     */
    private static Map<String, String> tablesOf(Connection connection) throws SQLException {
        Map<String, String> tables = new LinkedHashMap<>();
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("""
                        SELECT format('%I.%I', n.nspname, c.relname),
                               string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                        FROM pg_class c
                        JOIN pg_namespace n ON n.oid = c.relnamespace
                        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                                               AND a.attgenerated = ''
                        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'flyway_schema_history'
                        GROUP BY 1 ORDER BY 1""")) {
            while (r.next()) {
                tables.put(r.getString(1), r.getString(2));
            }
        }
        return tables;
    }

    /**
     * Sequences are not transactional: like pg_dump, this reads their value as of now, which may be ahead
     * of the snapshot (a restored copy then skips some values, never reuses one).
     */
    private static Map<String, Sequence> sequencesOf(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("""
                        SELECT format('%I.%I', n.nspname, c.relname)
                        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY 1""")) {
            while (r.next()) {
                names.add(r.getString(1));
            }
        }
        Map<String, Sequence> sequences = new LinkedHashMap<>();
        for (String name : names) {
            try (Statement s = connection.createStatement();
                    ResultSet r = s.executeQuery("SELECT last_value, is_called FROM " + name)) {
                r.next();
                sequences.put(name, new Sequence(r.getLong(1), r.getBoolean(2)));
            }
        }
        return sequences;
    }

    /** Rows per table (quoted, schema-qualified name, e.g. {@code public.message}) in the dump's snapshot. */
    public Map<String, Long> rowCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        tables.forEach((name, table) -> counts.put(name, table.rows()));
        return counts;
    }

    /**
     * The value each sequence (quoted, schema-qualified name) had when dumped: the value its next
     * {@code nextval} starts after, or {@code null} if it had never been called.
     */
    public Map<String, Long> sequenceValues() {
        Map<String, Long> values = new LinkedHashMap<>();
        sequences.forEach((name, s) -> values.put(name, s.called() ? s.lastValue() : null));
        return values;
    }

    /** One table's data exactly as COPY wrote it (PostgreSQL's binary COPY format). */
    public byte[] data(String table) {
        Table t = tables.get(table);
        if (t == null) {
            throw new IllegalArgumentException("no table " + table + " in the dump");
        }
        return t.data().clone();
    }

    /**
     * Restores the dump into a new database {@code name} on the source's server, replacing any database of
     * that name: the schema from the source's Flyway migrations, then the rows and the sequences' values.
     * Close the result to drop the database again.
     */
    public Restored restoreInto(String name) throws SQLException {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        long started = System.nanoTime();
        Restored restored = new Restored(server, name, server.on(name));
        restored.drop();
        try (Connection admin = server.connect(); Statement s = admin.createStatement()) {
            // template0, as pg_restore's target: nothing added to template1 leaks in, and it may not be in use
            s.execute("CREATE DATABASE \"" + name + "\" TEMPLATE template0");
        }
        try {
            Server target = restored.server();
            Flyway.configure(DatabaseDump.class.getClassLoader())
                    .dataSource(target.jdbcUrl(), target.user(), target.password())
                    .locations(migrations.toArray(String[]::new)).load().migrate();
            load(target);
        } catch (SQLException | RuntimeException e) {
            try {
                restored.drop();
            } catch (SQLException dropping) {
                e.addSuppressed(dropping);
            }
            throw e;
        }
        LOG.infof("restored %d tables into %s in %d ms", tables.size(), name,
                (System.nanoTime() - started) / 1_000_000);
        return restored;
    }

    private void load(Server target) throws SQLException {
        try (Connection connection = target.connect()) {
            connection.setAutoCommit(false);
            Map<String, String> present = tablesOf(connection);
            if (!present.keySet().equals(tables.keySet())) {
                throw new IllegalStateException(
                        "the migrations build other tables than were dumped: " + present.keySet()
                                + " vs " + tables.keySet());
            }
            try (Statement s = connection.createStatement()) {
                // as pg_restore --disable-triggers: no foreign key checks (tables load in any order) and no
                // triggers (unit_external_id's mirror would insert a second copy of rows, and the append-only
                // ones must not judge a restore); needs a superuser, which the embedded server's user is
                s.execute("SET LOCAL session_replication_role = replica");
                // the migrations' seed rows (db/testdata) would otherwise collide with the dumped ones
                s.execute("TRUNCATE " + String.join(", ", tables.keySet()) + " CASCADE");
            }
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            for (Map.Entry<String, Table> t : tables.entrySet()) {
                Table table = t.getValue();
                long rows = copy.copyIn("COPY " + t.getKey() + " (" + table.columns() + ") FROM STDIN (FORMAT binary)",
                        new ByteArrayInputStream(table.data()));
                if (rows != table.rows()) {
                    throw new IllegalStateException(t.getKey() + ": loaded " + rows + " rows of " + table.rows());
                }
            }
            try (PreparedStatement setval = connection.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
                for (Map.Entry<String, Sequence> s : sequences.entrySet()) {
                    setval.setString(1, s.getKey());
                    setval.setLong(2, s.getValue().lastValue());
                    setval.setBoolean(3, s.getValue().called());
                    setval.execute();
                }
            }
            connection.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A restored copy: a database of its own on the source's server. {@link #close()} drops it, ending any
     * session still connected to it.
     */
    public static final class Restored implements AutoCloseable {
        private final Server admin;
        private final String name;
        private final Server server;

        private Restored(Server admin, String name, Server server) {
            this.admin = admin;
            this.name = name;
            this.server = server;
        }

        public String databaseName() {
            return name;
        }

        public String jdbcUrl() {
            return server.jdbcUrl();
        }

        /** For a Vert.x {@code PgBuilder.pool().connectingTo(...)}: {@code postgresql://host:port/name}. */
        public String reactiveUrl() {
            return server.reactiveUrl();
        }

        public String user() {
            return server.user();
        }

        public String password() {
            return server.password();
        }

        /** A new connection to the restored database (autocommit); the caller closes it. */
        public Connection connect() throws SQLException {
            return server.connect();
        }

        Server server() {
            return server;
        }

        /** Drops the database if it exists; connections still open to it are ended. */
        public void drop() throws SQLException {
            try (Connection connection = admin.connect(); Statement s = connection.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            }
        }

        @Override
        public void close() throws SQLException {
            drop();
        }
    }

    private record Table(String columns, byte[] data, long rows) {
    }

    private record Sequence(long lastValue, boolean called) {
    }

    /** A database's address and credentials; the password never prints. */
    private record Server(String jdbcUrl, String user, String password) {

        Server on(String database) {
            Matcher m = url();
            return new Server(m.group(1) + database + (m.group(3) == null ? "" : m.group(3)), user, password);
        }

        String reactiveUrl() {
            Matcher m = url();
            // JDBC's query parameters mean nothing to the reactive client
            return m.group(1).substring("jdbc:".length()) + m.group(2);
        }

        Connection connect() throws SQLException {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(jdbcUrl);
            ds.setUser(user);
            ds.setPassword(password);
            return ds.getConnection();
        }

        private Matcher url() {
            Matcher m = JDBC_URL.matcher(jdbcUrl);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a PostgreSQL JDBC URL with a database: " + jdbcUrl);
            }
            return m;
        }

        @Override
        public String toString() {
            return "Server[" + jdbcUrl + ", " + user + "]";
        }
    }
}
