package dk.samtale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Issue 14 item 9: after the service is killed with {@code kill -9}, its PostgreSQL keeps running with
 * {@code postmaster.pid} in the kept data directory; the next start must stop that orphan (it is ours:
 * same directory) and come up the first time, and must never touch a process that is not ours.
 */
class EmbeddedPostgresOrphanTest {

    @TempDir
    Path dir;

    @Test
    void aPostmasterOrphanedByAKilledServiceIsStoppedAndTheDatabaseStartsFirstTime() throws Exception {
        Path data = dir.resolve("pgdata");
        // a service (a child JVM, same code path) starts the database and writes a row, then is killed
        Process child = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                EmbeddedPostgresChild.class.getName(), data.toString()).redirectErrorStream(true).start();
        long orphan;
        try {
            orphan = awaitStarted(child);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs, the postmaster lives on
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false),
                "the postmaster survived its JVM (the situation to reproduce)");
        assertTrue(Files.exists(data.resolve("postmaster.pid")));

        try (EmbeddedPostgres postgres = EmbeddedPostgresConfigSourceFactory.startIn(data)) {
            try (Connection c = postgres.getPostgresDatabase().getConnection();
                    ResultSet r = c.createStatement().executeQuery("SELECT note FROM survived")) {
                assertTrue(r.next());
                assertEquals("written before kill -9", r.getString(1), "the data of the killed run is kept");
            }
        }
        assertFalse(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false), "the orphan is stopped");
    }

    @Test
    void aPidFileNamingAProcessThatIsNotOursIsRemovedAndThatProcessIsLeftAlone() throws Exception {
        Path data = dir.resolve("pgdata");
        // initialise the directory, then leave a pid file naming a live process that is not PostgreSQL
        EmbeddedPostgresConfigSourceFactory.startIn(data).close();
        Process stranger = new ProcessBuilder("sleep", "120").start();
        try {
            Files.writeString(data.resolve("postmaster.pid"), stranger.pid() + "\n" + data + "\n");
            assertFalse(OrphanedPostmaster.isPostmasterOf(stranger.pid(), data));
            try (EmbeddedPostgres postgres = EmbeddedPostgresConfigSourceFactory.startIn(data)) {
                assertTrue(postgres.getPort() > 0);
            }
            assertTrue(stranger.isAlive(), "a process that is not our PostgreSQL was signalled");
        } finally {
            stranger.destroyForcibly();
        }
    }

    /** Reads the child's output until it says the database is up; returns the postmaster's pid. */
    private static long awaitStarted(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new java.util.ArrayList<>();
        for (String line; (line = out.readLine()) != null;) {
            if (line.startsWith(EmbeddedPostgresChild.READY)) {
                return Long.parseLong(line.substring(EmbeddedPostgresChild.READY.length()).trim());
            }
            seen.add(line);
        }
        throw new AssertionError("the child ended before starting the database: " + seen);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
