package dk.samtale.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Scenario 5 (JDBC baseline) and the start-up measurement. */
final class SimpleScenarios {

    static final Set<String> BASELINE_OPTIONS = Set.of("seconds", "clients", "warmup", "repo", "out");
    static final Set<String> STARTUP_OPTIONS = Set.of("repo", "service-jar", "out", "service-opts");

    private SimpleScenarios() {
    }

    /** PostgreSQL alone: message + outbox row per durable transaction, N JDBC clients. */
    static int baseline(Args args) throws Exception {
        int seconds = args.integer("seconds", 15);
        int[] clients = args.ints("clients", "8,32");
        int warmup = args.integer("warmup", 2);
        if (seconds < 1 || seconds > 600 || clients.length == 0 || warmup < 0 || warmup > 60
                || java.util.Arrays.stream(clients).anyMatch(c -> c < 1 || c > 150)) {
            throw new Harness.Fail("options out of range (seconds 1..600, clients 1..150 each, warmup 0..60)");
        }
        Map<String, Object> result = Report.result("baseline",
                Map.of("seconds", seconds, "clients", clients, "warmupSeconds", warmup));
        try (Harness h = new Harness("baseline", args)) {
            result.put("postgresStartMs", h.startPostgres());
            Map<String, Object> settings = h.postgresSettings();
            result.put("postgres", settings);
            System.out.printf("baseline: PostgreSQL %s (synchronous_commit=%s, fsync=%s), %s clients x %d s%n",
                    settings.get("server_version"), settings.get("synchronous_commit"), settings.get("fsync"),
                    java.util.Arrays.toString(clients), seconds);
            Report.Table t = Baseline.table();
            result.put("runs", Baseline.run(h, new CpuMeter(h), clients, seconds, warmup, t));
            System.out.println();
            System.out.println("baseline: one transaction per message = INSERT message + INSERT outbox, COMMIT");
            t.print();
            Report.write(h, "baseline", result);
        }
        return 0;
    }

    /**
     * The service on its own embedded PostgreSQL (no datasource URL: the README's way to run it):
     * first start (initdb + migrations) and a restart on the same data; idle RSS and heap after GC.
     */
    static int startup(Args args) throws Exception {
        List<String> opts = args.words("service-opts", "-Xmx1g");
        Map<String, Object> result = Report.result("startup", Map.of("serviceOpts", opts));
        try (Harness h = new Harness("startup", args)) {
            h.requireService();
            Report.Table t = new Report.Table("start", "launch to ready ms", "Quarkus 'started in' s", "idle RSS MB",
                    "heap used MB", "threads", "fds");
            List<Map<String, Object>> runs = new java.util.ArrayList<>();
            for (String kind : List.of("first start (initdb + migrations)", "restart on existing data")) {
                Map<String, Object> svc = h.startService(opts, true);
                Harness.sleep(2000);
                Map<String, Object> mem = IdleScenario.memory(h, h.servicePid());
                Integer port = h.ownPostgresPort();
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("start", kind);
                r.putAll(svc);
                r.putAll(mem);
                if (port != null) {
                    r.put("embeddedPostgres", Harness.settings("jdbc:postgresql://localhost:" + port + "/postgres"));
                }
                r.put("stopMs", h.stopService());
                runs.add(r);
                t.row(kind, svc.get("launchToReadyMs"), svc.get("quarkusStartedInSeconds"),
                        (Long) mem.get("rssKb") / 1024, (Long) mem.get("heapUsedKb") / 1024, mem.get("threads"),
                        mem.get("fds"));
            }
            result.put("runs", runs);
            System.out.println();
            System.out.println("start-up on the service's own embedded PostgreSQL (" + String.join(" ", opts) + ")");
            t.print();
            @SuppressWarnings("unchecked")
            Map<String, Object> pg = (Map<String, Object>) runs.get(0).get("embeddedPostgres");
            if (pg != null) {
                System.out.println("its embedded PostgreSQL: " + pg);
            }
            Report.write(h, "startup", result);
        }
        return 0;
    }
}
