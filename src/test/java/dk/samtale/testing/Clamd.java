package dk.samtale.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dk.samtale.attachment.clamd.ClamdMalwareScanner;

/**
 * A real ClamAV daemon for the tests: Debian's {@code clamav-daemon}, installed by the test itself when
 * missing (apt-get, as root, like the browser tests' Chromium). Signatures cannot be downloaded here, so
 * the database is what the test writes: the EICAR test file's MD5 as an {@code .hdb} signature, and the
 * EICAR string as an {@code .ndb} body signature (so EICAR hidden inside an allowed type is found, as real
 * signatures find it). It listens on a unix socket (what the service under test uses) and on 127.0.0.1 at
 * a free port, and can be stopped and started again on the same addresses (the scanner-down test).
 *
 * <p>
 * One daemon per test JVM, although Quarkus loads this class again in its own class loader: its
 * directory, port and process id live in system properties, and it is stopped by its process id only.
 */
public final class Clamd {

    private static final Logger LOG = Logger.getLogger(Clamd.class);
    static final Path BINARY = Path.of("/usr/sbin/clamd");
    private static final String DIR = "samtale.test.clamd.dir", PORT = "samtale.test.clamd.port",
            PID = "samtale.test.clamd.pid", UNAVAILABLE = "samtale.test.clamd.unavailable";

    /** The EICAR anti-virus test file (harmless by design; every scanner detects it). */
    public static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    private final Path dir;
    private final Path socket;
    private final int port;

    private Clamd(Path dir, int port) {
        this.dir = dir;
        this.socket = dir.resolve("clamd.sock");
        this.port = port;
    }

    /** The one daemon of this JVM, started on first use; null (and a loud log) when clamd cannot be had. */
    public static Clamd shared() {
        synchronized (System.class) {
            if (System.getProperty(UNAVAILABLE) != null) {
                return null;
            }
            if (System.getProperty(DIR) != null) {
                return new Clamd(Path.of(System.getProperty(DIR)), Integer.parseInt(System.getProperty(PORT)));
            }
            try {
                ensureInstalled();
                Path dir = Files.createTempDirectory("samtale-clamd");
                int port;
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
                Clamd c = new Clamd(dir, port);
                c.writeConfig();
                c.start();
                System.setProperty(DIR, dir.toString());
                System.setProperty(PORT, String.valueOf(port));
                // a child process outlives the JVM unless stopped: stop it when the test JVM ends
                Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
                return c;
            } catch (Exception e) {
                System.setProperty(UNAVAILABLE, e.toString());
                LOG.errorf("!!!!! clamd is NOT available, the malware-scanning tests will be SKIPPED: %s", e);
                return null;
            }
        }
    }

    /** Why clamd could not be had (null when it runs). */
    public static String whyUnavailable() {
        return System.getProperty(UNAVAILABLE);
    }

    public String unixAddress() {
        return "unix:" + socket;
    }

    public String tcpAddress() {
        return "tcp://127.0.0.1:" + port;
    }

    public void start() throws IOException, InterruptedException {
        synchronized (System.class) {
            if (process().isPresent()) {
                return;
            }
            Files.deleteIfExists(socket);
            Process p = new ProcessBuilder(BINARY.toString(), "-c", dir.resolve("clamd.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("clamd.out").toFile()).start();
            System.setProperty(PID, String.valueOf(p.pid()));
            ClamdMalwareScanner unix = new ClamdMalwareScanner(ClamdMalwareScanner.parse(unixAddress()),
                    Duration.ofSeconds(5));
            ClamdMalwareScanner tcp = new ClamdMalwareScanner(ClamdMalwareScanner.parse(tcpAddress()),
                    Duration.ofSeconds(5));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IOException("clamd exited: " + Files.readString(dir.resolve("clamd.out")));
                }
                if (unix.ping() && tcp.ping()) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new IOException("clamd did not answer within 120 s");
        }
    }

    /** Stops the daemon (the process this test started, by its id) and waits for it to be gone. */
    public void stop() {
        synchronized (System.class) {
            process().ifPresent(h -> {
                h.destroy();
                try {
                    h.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            });
            System.clearProperty(PID);
        }
    }

    private static Optional<ProcessHandle> process() {
        String pid = System.getProperty(PID);
        return pid == null ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
    }

    private void writeConfig() throws IOException, NoSuchAlgorithmException {
        Path db = Files.createDirectories(dir.resolve("db"));
        byte[] eicar = EICAR.getBytes(StandardCharsets.US_ASCII);
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(eicar));
        Files.writeString(db.resolve("samtale-test.hdb"), md5 + ":" + eicar.length + ":Eicar-Test-Signature\n");
        Files.writeString(db.resolve("samtale-test.ndb"),
                "Eicar-Test-Signature-Embedded:0:*:" + HexFormat.of().formatHex(eicar) + "\n");
        Files.writeString(dir.resolve("clamd.conf"), String.join("\n", List.of(
                "Foreground yes",
                "DatabaseDirectory " + db,
                "LocalSocket " + socket,
                "TCPSocket " + port,
                "TCPAddr 127.0.0.1",
                "LogFile " + dir.resolve("clamd.log"),
                "StreamMaxLength 64M")) + "\n");
    }

    private static void ensureInstalled() throws IOException, InterruptedException {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        run(List.of("apt-get", "update"));
        run(List.of("apt-get", "install", "-y", "--no-install-recommends", "clamav-daemon"));
        if (!Files.isExecutable(BINARY)) {
            throw new IOException("clamd still missing after apt-get install clamav-daemon");
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (run the tests as root, or install "
                    + "clamav-daemon)");
        }
    }
}
