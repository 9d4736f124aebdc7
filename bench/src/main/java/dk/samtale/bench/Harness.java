package dk.samtale.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Starts what is measured and tears it down again, also on failure and on Ctrl-C: an embedded
 * PostgreSQL in its own temp data dir, the packaged service as a child process with issuers whose
 * keys are generated for the run, and (for the idle scenario) worker JVMs of the load tool. Only
 * processes started here are ever stopped.
 */
final class Harness implements AutoCloseable {

    static final String UNIT_X = "00000000-0000-7000-8000-0000000000a1";
    static final String TENANT_TESTBY = "00000000-0000-7000-8000-000000000001";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");

    private final Path repo;
    private final Path serviceJar;
    private final Path testData;
    private final Path results;
    private final Path work;
    private final String scenario;
    private final String stamp;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Process> workers = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EmbeddedPostgres postgres;
    private Path pgData;
    private int pgPort;
    private Identity identity;
    private Process service;
    private int httpPort;
    private Path serviceLog;
    private Path ownPgData;
    /** A PostgreSQL installation's bin directory (--pg-bin): run on that server instead of the embedded one. */
    private final Path pgBin;

    Harness(String scenario, Args args) throws IOException {
        this.scenario = scenario;
        this.repo = Path.of(args.str("repo", ".")).toAbsolutePath().normalize();
        this.serviceJar = repo.resolve(args.str("service-jar", "target/quarkus-app/quarkus-run.jar"));
        this.testData = repo.resolve("src/test/resources/db/testdata/V1000__test_tenants.sql");
        this.results = repo.resolve(args.str("out", "bench/results"));
        this.stamp = OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        this.work = Files.createTempDirectory("samtale-bench-");
        String bin = args.str("pg-bin", "");
        this.pgBin = bin.isEmpty() ? null : Path.of(bin);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bench-teardown"));
    }

    Path results() {
        return results;
    }

    String stamp() {
        return stamp;
    }

    Path work() {
        return work;
    }

    /** Fails early, with the command that fixes it, when the packaged service is not there. */
    void requireService() {
        if (!Files.isRegularFile(serviceJar)) {
            throw new Fail("the packaged service is missing: " + serviceJar + "\n"
                    + "  build it first, at the repository root:  ./mvnw -B package -DskipTests\n"
                    + "  (or point --repo at the repository root, or --service-jar at quarkus-run.jar)");
        }
        if (!Files.isRegularFile(testData)) {
            throw new Fail("test tenants SQL not found: " + testData + " (run from the repository root or use --repo)");
        }
    }

    // ------------------------------------------------------------------------------------------ PostgreSQL

    /**
     * Starts PostgreSQL with durable commits: the embedded one (zonky's default is synchronous_commit=off
     * and fsync off, so both are set), or with {@code --pg-bin} a separately installed server in its
     * default configuration (fsync and synchronous_commit are on by default; set anyway, so the result
     * shows them). Both load pg_stat_statements with planning tracked, for the per-message figures.
     */
    long startPostgres() throws IOException {
        pgData = work.resolve("pgdata");
        pgPort = freePort();
        long t0 = System.nanoTime();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("max_connections", "200");
        config.put("synchronous_commit", "on");
        config.put("fsync", "on");
        config.put("shared_preload_libraries", "pg_stat_statements");
        config.put("pg_stat_statements.track_planning", "on");
        config.put("log_min_error_statement", "panic");
        config.put("log_error_verbosity", "terse");
        if (pgBin == null) {
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setPort(pgPort).setDataDirectory(pgData)
                    .setCleanDataDirectory(true).setServerConfig("shared_buffers", "256MB")
                    .setPGStartupWait(Duration.ofSeconds(60));
            config.forEach(b::setServerConfig);
            postgres = b.start();
        } else {
            startSystemPostgres(config);
        }
        List<Long> pids = postgresPids();
        System.out.println("PostgreSQL started: postmaster pid " + (pids.isEmpty() ? "?" : pids.get(0)) + ", port "
                + pgPort + ", data " + pgData + (pgBin == null ? " (embedded)" : " (" + pgBin + ")"));
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * initdb and pg_ctl refuse to run as root; as root the server runs as the installation's
     * {@code postgres} user, in a directory of its own (the tool's work directory is private to root).
     */
    private void startSystemPostgres(Map<String, String> config) throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = work.resolve("pg");
        Files.createDirectories(dir);
        if (root) {
            Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Proc.run(List.of("chown", "postgres:postgres", dir.toString()), work.resolve("chown.log"),
                    Duration.ofSeconds(10));
        }
        pgData = dir.resolve("data");
        StringBuilder opts = new StringBuilder("-p " + pgPort + " -k " + dir);
        config.forEach((k, v) -> opts.append(" -c ").append(k).append('=').append(v));
        Proc.run(asPostgres(root, pgBin.resolve("initdb").toString(), "-D", pgData.toString(), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--locale=C"), work.resolve("initdb.log"), Duration.ofSeconds(120));
        Proc.run(asPostgres(root, pgBin.resolve("pg_ctl").toString(), "-D", pgData.toString(), "-l",
                dir.resolve("postgres.log").toString(), "-o", opts.toString(), "-w", "-t", "60", "start"),
                work.resolve("pg_ctl.log"), Duration.ofSeconds(90));
    }

    private static List<String> asPostgres(boolean root, String... command) {
        List<String> c = new ArrayList<>();
        if (root) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(List.of(command));
        return c;
    }

    private void createKeyVaultDatabase() throws IOException {
        try (Connection c = jdbc(); java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'samtale_keys'")) {
            if (!rs.next()) {
                st.execute("CREATE DATABASE samtale_keys");
            }
        } catch (java.sql.SQLException e) {
            throw new IOException("could not create the key vault's database", e);
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + pgPort + "/postgres";
    }

    Connection jdbc() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
    }

    /** The settings that decide what a commit costs, as PostgreSQL reports them. */
    Map<String, Object> postgresSettings() {
        return settings(jdbcUrl());
    }

    static Map<String, Object> settings(String url) {
        Map<String, Object> m = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            for (String name : List.of("server_version", "synchronous_commit", "fsync", "wal_sync_method",
                    "shared_buffers", "max_connections", "commit_delay", "shared_preload_libraries")) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    m.put(name, rs.getString(1));
                }
            }
        } catch (SQLException e) {
            m.put("error", e.getMessage());
        }
        return m;
    }

    /** The postmaster and its children (backends, WAL writer, checkpointer, ...). */
    List<Long> postgresPids() {
        Path pidFile = pgData != null ? pgData.resolve("postmaster.pid") : null;
        if (pidFile == null || !Files.isRegularFile(pidFile)) {
            return List.of();
        }
        try {
            long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            List<Long> pids = new ArrayList<>();
            pids.add(postmaster);
            pids.addAll(Proc.children(postmaster));
            return pids;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Loads the test tenants and units (testby: X, Y; andenby: Z) after the service has migrated. */
    void loadTestData() throws IOException, SQLException {
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.execute(Files.readString(testData));
        }
    }

    // ------------------------------------------------------------------------------------------ service

    Identity identity() {
        if (identity == null) {
            identity = Identity.generate(work.resolve("keys"));
        }
        return identity;
    }

    /**
     * Starts PostgreSQL, then the service on it, and records both in a scenario's result (start times,
     * PostgreSQL's durability settings, the service's start-up). Returns the service's part.
     */
    Map<String, Object> startDatabaseAndService(List<String> jvmOptions, Map<String, Object> result) throws IOException {
        result.put("postgresStartMs", startPostgres());
        result.put("postgres", postgresSettings());
        Map<String, Object> svc = startService(jvmOptions, false);
        result.put("service", svc);
        return svc;
    }

    /**
     * Starts the packaged service against the embedded PostgreSQL (or, with {@code ownDatabase}, on
     * the service's own embedded PostgreSQL in a temp dir) and waits until it is ready.
     */
    Map<String, Object> startService(List<String> jvmOptions, boolean ownDatabase) throws IOException {
        requireService();
        httpPort = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.add("-Dquarkus.http.port=" + httpPort);
        cmd.add("-Dquarkus.log.console.json.enabled=false");
        if (ownDatabase) {
            ownPgData = work.resolve("service-own-pgdata");
            cmd.add("-Dsamtale.embedded-db.data-dir=" + ownPgData);
        } else {
            cmd.add("-Dquarkus.datasource.reactive.url=postgresql://localhost:" + pgPort + "/postgres");
            cmd.add("-Dquarkus.datasource.jdbc.url=" + jdbcUrl());
            cmd.add("-Dquarkus.datasource.username=postgres");
            cmd.add("-Dquarkus.datasource.password=postgres");
            // the key vault (each conversation's key): a database of its own, as in production
            createKeyVaultDatabase();
            String vault = "localhost:" + pgPort + "/samtale_keys";
            cmd.add("-Dquarkus.datasource.keyvault.reactive.url=postgresql://" + vault);
            cmd.add("-Dquarkus.datasource.keyvault.jdbc.url=jdbc:postgresql://" + vault);
            cmd.add("-Dquarkus.datasource.keyvault.username=postgres");
            cmd.add("-Dquarkus.datasource.keyvault.password=postgres");
        }
        identity().serviceConfig().forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        // the key-encryption key, as a mounted secret would give it (generated for this run only)
        cmd.add("-Dsamtale.crypto.kek-file=" + work.resolve("kek"));
        cmd.add("-Dsamtale.crypto.generate-kek=true");
        // the journal's signing key, likewise
        cmd.add("-Dsamtale.journal.signing-key-file=" + work.resolve("journal-signing-key.pem"));
        cmd.add("-Dsamtale.journal.generate-signing-key=true");
        cmd.add("-jar");
        cmd.add(serviceJar.toString());
        Files.createDirectories(results);
        serviceLog = results.resolve(scenario + "-" + stamp + "-service.log");
        long t0 = System.nanoTime();
        service = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(serviceLog.toFile())).start();
        System.out.println("service started: pid " + service.pid() + ", port " + httpPort + ", log " + serviceLog);
        awaitReady();
        long readyMs = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("launchToReadyMs", readyMs);
        m.put("quarkusStartedInSeconds", quarkusStartedIn());
        m.put("jvmOptions", jvmOptions);
        m.put("log", repo.relativize(serviceLog).toString());
        return m;
    }

    private Double quarkusStartedIn() {
        try {
            Matcher m = STARTED.matcher(Files.readString(serviceLog));
            Double last = null;
            while (m.find()) {
                last = Double.parseDouble(m.group(1));
            }
            return last;
        } catch (IOException e) {
            return null;
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Fail("interrupted while waiting for the service");
            }
            if (!service.isAlive()) {
                throw new Fail("the service died during start-up; its log:\n" + tail(serviceLog, 40));
            }
            sleep(200);
        }
        throw new Fail("the service was not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + serviceLog);
    }

    /** The port of the service's own embedded PostgreSQL, from its start-up log line. */
    Integer ownPostgresPort() {
        try {
            Matcher m = Pattern.compile("Embedded PostgreSQL started on port (\\d+)").matcher(Files.readString(serviceLog));
            Integer last = null;
            while (m.find()) {
                last = Integer.parseInt(m.group(1));
            }
            return last;
        } catch (IOException e) {
            return null;
        }
    }

    /** SIGTERM, then up to 30 s for a clean shutdown, then SIGKILL. */
    long stopService() {
        if (service == null) {
            return 0;
        }
        long t0 = System.nanoTime();
        service.destroy();
        try {
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            service.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        service = null;
        stopOwnPostgres();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** The service stops its own embedded PostgreSQL on shutdown; if it did not, stop it here. */
    private void stopOwnPostgres() {
        if (ownPgData == null) {
            return;
        }
        Path pidFile = ownPgData.resolve("postmaster.pid");
        try {
            if (Files.isRegularFile(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
                ProcessHandle.of(pid).ifPresent(ph -> {
                    System.err.println("the service's own PostgreSQL (pid " + pid + ") outlived it; stopping it");
                    ph.destroy();
                    try {
                        ph.onExit().get(20, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        ph.destroyForcibly();
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            // nothing to stop
        }
    }

    long servicePid() {
        return service == null ? -1 : service.pid();
    }

    boolean serviceAlive() {
        return service != null && service.isAlive();
    }

    int port() {
        return httpPort;
    }

    String base() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** A gauge or counter from the service's Prometheus endpoint, or -1. */
    double metric(String name) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // service not answering
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------------ workers

    void addWorker(Process p) {
        workers.add(p);
    }

    List<Long> workerPids() {
        return workers.stream().filter(Process::isAlive).map(Process::pid).toList();
    }

    // ------------------------------------------------------------------------------------------ teardown

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Process w : workers) {
            w.destroyForcibly();
        }
        stopService();
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
            }
        } else if (pgBin != null && pgData != null && Files.isRegularFile(pgData.resolve("postmaster.pid"))) {
            try {
                Proc.run(asPostgres("root".equals(System.getProperty("user.name")), pgBin.resolve("pg_ctl").toString(),
                        "-D", pgData.toString(), "-m", "fast", "-w", "stop"), work.resolve("pg_ctl-stop.log"),
                        Duration.ofSeconds(60));
            } catch (IOException | RuntimeException e) {
                System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
            }
        }
        deleteTree(work);
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Fail("interrupted");
        }
    }

    /** A failure with a message meant for the person running the tool (no stack trace). */
    static final class Fail extends RuntimeException {
        Fail(String message) {
            super(message);
        }
    }
}
