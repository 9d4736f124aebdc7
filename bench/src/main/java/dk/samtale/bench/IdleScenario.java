package dk.samtale.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 2: idle connections. Holds growing numbers of authenticated citizen sockets (the client
 * ends in worker JVMs), and after each level forces a GC in the service and reads its RSS and heap,
 * per connection relative to a baseline taken before the first socket.
 */
final class IdleScenario {

    static final Set<String> OPTIONS = Set.of("levels", "workers", "concurrency", "settle", "repo", "service-jar",
            "out", "service-opts", "warmup-sockets", "histogram");

    /** A worker JVM and its line protocol. */
    static final class Worker implements AutoCloseable {
        final Process process;
        final BufferedWriter in;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Worker(Process p) {
            this.process = p;
            this.in = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // worker gone
                }
            }, "worker-reader-" + p.pid());
            reader.setDaemon(true);
            reader.start();
        }

        void tell(String cmd) {
            try {
                in.write(cmd);
                in.newLine();
                in.flush();
            } catch (IOException e) {
                throw new Harness.Fail("worker " + process.pid() + " is gone: " + e.getMessage());
            }
        }

        String await(long seconds) {
            try {
                String l = lines.poll(seconds, TimeUnit.SECONDS);
                if (l == null) {
                    throw new Harness.Fail("worker " + process.pid() + " did not answer within " + seconds + " s");
                }
                return l;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Harness.Fail("interrupted");
            }
        }

        @Override
        public void close() {
            try {
                tell("exit");
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (RuntimeException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private final Args args;

    IdleScenario(Args args) {
        this.args = args;
    }

    int run() throws Exception {
        int[] levels = args.ints("levels", "5000,10000,18000,20000");
        int max = java.util.Arrays.stream(levels).max().orElse(0);
        int workerCount = args.integer("workers", Math.max(1, (int) Math.ceil(max / 9000.0)));
        int concurrency = args.integer("concurrency", 500);
        int settle = args.integer("settle", 3);
        int warmupSockets = args.integer("warmup-sockets", 200);
        boolean histogram = args.str("histogram", "off").equals("on");
        List<String> serviceOpts = args.words("service-opts",
                "-Xmx1g -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=10");
        if (levels.length == 0 || max < 1 || max > 100_000 || workerCount < 1 || workerCount > 16 || concurrency < 1
                || settle < 0 || settle > 60) {
            throw new Harness.Fail("options out of range (levels 1..100000, workers 1..16, settle 0..60)");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("levels", levels);
        params.put("workers", workerCount);
        params.put("concurrentHandshakesPerWorker", concurrency);
        params.put("settleSeconds", settle);
        Map<String, Object> result = Report.result("idle", params);

        try (Harness h = new Harness("idle", args)) {
            h.requireService();
            CpuMeter cpu = new CpuMeter(h);
            Map<String, Object> svc = h.startDatabaseAndService(serviceOpts, result);
            System.out.printf("idle: levels %s, %d worker JVM(s); service ready in %d ms (Quarkus: %ss)%n",
                    java.util.Arrays.toString(levels), workerCount, svc.get("launchToReadyMs"),
                    svc.get("quarkusStartedInSeconds"));
            h.loadTestData();
            Identity id = h.identity();
            long pid = h.servicePid();

            List<Worker> workers = new ArrayList<>();
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (int i = 0; i < workerCount; i++) {
                Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx768m",
                        "-cp", jar.toString(), Main.class.getName(), "idle-worker", "--port",
                        Integer.toString(h.port()), "--keys", id.dir().toString(), "--concurrency",
                        Integer.toString(concurrency))
                        .redirectError(ProcessBuilder.Redirect.appendTo(h.work().resolve("worker-" + i + ".err").toFile()))
                        .start();
                h.addWorker(p);
                workers.add(new Worker(p));
            }

            // warm-up: load the classes and JIT the handshake path once, then let it all go
            long cpr = 0;
            if (warmupSockets > 0) {
                Worker w = workers.get(0);
                w.tell("prepare " + warmupSockets + " " + cpr);
                w.await(300);
                w.tell("open");
                String[] r = w.await(600).split(" ");
                System.out.printf("warm-up: %s sockets opened (%s failed) and closed again%n", r[1], r[2]);
                w.tell("close");
                w.await(120);
                cpr += warmupSockets;
                awaitServiceSockets(h, 0, 30);
            }
            Harness.sleep(settle * 1000L);
            Map<String, Object> base = memory(h, pid);
            result.put("idleBaseline", base);
            Map<String, long[]> baseHistogram = histogram ? histogram(h, pid, "0") : null;
            System.out.printf("idle service (no sockets, after GC): RSS %s KB, heap used %s KB, %s fds%n",
                    base.get("rssKb"), base.get("heapUsedKb"), base.get("fds"));

            Report.Table t = new Report.Table("level", "opened", "failed", "held (svc)", "open s", "opens/s",
                    "RSS MB", "heap MB", "RSS KB/conn", "heap KB/conn", "svc fds", "CPU% svc/pg/tool (opening)",
                    "held");
            List<Map<String, Object>> rows = new ArrayList<>();
            long current = 0;
            Integer highestHeld = null;
            long cumulativeMs = 0;
            for (int level : levels) {
                long inc = level - current;
                if (inc <= 0) {
                    continue;
                }
                long per = inc / workerCount;
                long rest = inc - per * workerCount;
                for (int i = 0; i < workerCount; i++) {
                    long n = per + (i == 0 ? rest : 0);
                    workers.get(i).tell("prepare " + n + " " + cpr);
                    cpr += n;
                }
                for (Worker w : workers) {
                    w.await(600);
                }
                CpuMeter.Snapshot c0 = cpu.snapshot();
                long t0 = System.nanoTime();
                workers.forEach(w -> w.tell("open"));
                long ok = 0;
                long failed = 0;
                List<String> errors = new ArrayList<>();
                for (Worker w : workers) {
                    String[] r = w.await(1200).split(" ", 5);
                    ok += Long.parseLong(r[1]);
                    failed += Long.parseLong(r[2]);
                    if (r.length > 4 && !r[4].equals("{}")) {
                        errors.add(r[4]);
                    }
                }
                long openMs = (System.nanoTime() - t0) / 1_000_000;
                cumulativeMs += openMs;
                Map<String, Object> cpuOpen = CpuMeter.split(c0, cpu.snapshot());
                current += ok;
                Harness.sleep(settle * 1000L);
                long clientOpen = 0;
                for (Worker w : workers) {
                    w.tell("status");
                    clientOpen += Long.parseLong(w.await(60).split(" ")[1]);
                }
                double serviceOpen = h.metric("samtale_sockets_open");
                Map<String, Object> mem = memory(h, pid);
                boolean held = failed == 0 && clientOpen >= level && serviceOpen >= level;
                if (held) {
                    highestHeld = level;
                }
                long held2 = Math.min(clientOpen, (long) serviceOpen);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("level", level);
                row.put("openedThisLevel", ok);
                row.put("failedThisLevel", failed);
                row.put("failures", errors);
                row.put("openClientSide", clientOpen);
                row.put("openServiceSide", (long) serviceOpen);
                row.put("openSeconds", openMs / 1000.0);
                row.put("opensPerSecond", openMs > 0 ? Math.round(ok * 1000.0 / openMs) : null);
                row.put("cumulativeOpenSeconds", cumulativeMs / 1000.0);
                row.putAll(mem);
                long rss = (Long) mem.get("rssKb");
                long heap = (Long) mem.get("heapUsedKb");
                Double rssPer = held2 > 0 ? round1((rss - (Long) base.get("rssKb")) / (double) held2) : null;
                Double heapPer = held2 > 0 ? round1((heap - (Long) base.get("heapUsedKb")) / (double) held2) : null;
                row.put("rssKbPerConnection", rssPer);
                row.put("heapKbPerConnection", heapPer);
                row.put("cpuWhileOpening", cpuOpen);
                if (histogram && held2 > 0) {
                    row.put("bytesPerConnectionByClass",
                            perConnection(baseHistogram, histogram(h, pid, Integer.toString(level)), held2));
                }
                row.put("held", held);
                rows.add(row);
                t.row(level, ok, failed, (long) serviceOpen, openMs / 1000.0, row.get("opensPerSecond"), rss / 1024,
                        heap / 1024, rssPer, heapPer, mem.get("fds"),
                        cpuOpen.get("servicePct") + "/" + cpuOpen.get("postgresPct") + "/" + cpuOpen.get("loadToolPct"),
                        held ? "yes" : "no");
                System.out.printf("  level %d: opened %d (failed %d) in %.1f s; service holds %d; RSS %d MB, heap %d MB"
                        + "%s%n", level, ok, failed, openMs / 1000.0, (long) serviceOpen, rss / 1024, heap / 1024,
                        errors.isEmpty() ? "" : "; failures " + errors);
                if (!held) {
                    break; // higher levels cannot be held either
                }
            }
            for (Worker w : workers) {
                w.tell("close");
                try {
                    w.await(120);
                } catch (Harness.Fail e) {
                    // torn down below anyway
                }
                w.close();
            }
            result.put("levels", rows);
            result.put("highestLevelHeld", highestHeld);
            result.put("serviceStopMs", h.stopService());
            System.out.println();
            System.out.printf("idle: service idle RSS %d MB, heap used %d MB (after GC, before any socket)%n",
                    (Long) base.get("rssKb") / 1024, (Long) base.get("heapUsedKb") / 1024);
            t.print();
            System.out.printf("highest level held: %s (KB per connection = (after GC - before any socket) / sockets"
                    + " held)%n", highestHeld == null ? "none" : highestHeld);
            Report.write(h, "idle", result);
            return 0;
        }
    }

    /** Forces a full GC in the service, then reads RSS, heap used and open files. */
    static Map<String, Object> memory(Harness h, long pid) {
        Proc.gc(pid);
        Harness.sleep(1000);
        long[] heap = Proc.heapKb(pid);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rssKb", Proc.rssKb(pid));
        m.put("heapUsedKb", heap[0]);
        m.put("heapCommittedKb", heap[1]);
        m.put("fds", (long) Proc.openFds(pid));
        m.put("threads", Proc.statusKb(pid, "Threads:"));
        return m;
    }

    /**
     * {@code jcmd GC.class_histogram} (which also forces a full GC), kept beside the result as
     * {@code idle-<stamp>-histogram-<sockets>.txt}; returns instances and bytes per class.
     */
    private static Map<String, long[]> histogram(Harness h, long pid, String label) {
        String text = Proc.jcmd(pid, "GC.class_histogram");
        try {
            java.nio.file.Files.createDirectories(h.results());
            java.nio.file.Files.writeString(h.results().resolve("idle-" + h.stamp() + "-histogram-" + label + ".txt"),
                    text);
        } catch (IOException e) {
            System.out.println("could not write the histogram: " + e.getMessage());
        }
        Map<String, long[]> byClass = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)")
                .matcher(text);
        while (m.find()) {
            byClass.put(m.group(3), new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return byClass;
    }

    /** The classes that grew most between two histograms, as bytes and instances per connection. */
    private static List<Map<String, Object>> perConnection(Map<String, long[]> before, Map<String, long[]> after,
            long connections) {
        List<Map<String, Object>> out = new ArrayList<>();
        after.forEach((cls, a) -> {
            long[] b = before.getOrDefault(cls, new long[2]);
            double bytes = (a[1] - b[1]) / (double) connections;
            if (bytes >= 16) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("class", cls);
                e.put("bytesPerConnection", Math.round(bytes));
                e.put("instancesPerConnection", round1((a[0] - b[0]) / (double) connections));
                out.add(e);
            }
        });
        out.sort((x, y) -> Long.compare((Long) y.get("bytesPerConnection"), (Long) x.get("bytesPerConnection")));
        List<Map<String, Object>> top = new ArrayList<>(out.subList(0, Math.min(30, out.size())));
        long total = out.stream().mapToLong(e -> (Long) e.get("bytesPerConnection")).sum();
        System.out.printf("  heap growth per connection by class (top of %d B, from jcmd GC.class_histogram):%n", total);
        top.stream().limit(15).forEach(e -> System.out.printf("    %6d B  %5.1f x  %s%n", e.get("bytesPerConnection"),
                e.get("instancesPerConnection"), e.get("class")));
        return top;
    }

    static void awaitServiceSockets(Harness h, long expected, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && h.metric("samtale_sockets_open") != expected) {
            Harness.sleep(200);
        }
    }

    private static Double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
