package dk.samtale.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** A readable table on stdout, and the whole result as JSON in bench/results/. */
final class Report {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    /** A plain-text table with right-aligned columns. */
    static final class Table {
        private final String[] head;
        private final List<String[]> rows = new ArrayList<>();

        Table(String... head) {
            this.head = head;
        }

        Table row(Object... cells) {
            String[] r = new String[head.length];
            for (int i = 0; i < head.length; i++) {
                Object c = i < cells.length ? cells[i] : "";
                r[i] = c == null ? "-" : c instanceof Double d ? Latency.fmt(d) : c.toString();
            }
            rows.add(r);
            return this;
        }

        void print() {
            int[] w = new int[head.length];
            for (int i = 0; i < head.length; i++) {
                w[i] = head[i].length();
                for (String[] r : rows) {
                    w[i] = Math.max(w[i], r[i].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            line(sb, head, w);
            for (int i = 0; i < head.length; i++) {
                sb.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
            }
            sb.append('\n');
            rows.forEach(r -> line(sb, r, w));
            System.out.print(sb);
            System.out.flush();
        }

        private static void line(StringBuilder sb, String[] cells, int[] w) {
            for (int i = 0; i < cells.length; i++) {
                String c = cells[i];
                sb.append(i == 0 ? "" : "  ").append(" ".repeat(w[i] - c.length())).append(c);
            }
            sb.append('\n');
        }
    }

    /** Facts about the machine and the run, for every result file. */
    /** The start of every result file: the scenario, the machine it ran on, and its parameters. */
    static Map<String, Object> result(String scenario, Map<String, ?> parameters) {
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        result.put("scenario", scenario);
        result.put("machine", machine());
        result.put("parameters", parameters);
        return result;
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", OffsetDateTime.now(ZoneOffset.UTC).toString());
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        m.put("memTotalMb", meminfo("MemTotal:") / 1024);
        m.put("memAvailableMbAtStart", meminfo("MemAvailable:") / 1024);
        m.put("cpuModel", cpuModel());
        m.put("loadAvgAtStart", read("/proc/loadavg"));
        m.put("kernel", read("/proc/sys/kernel/osrelease"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("openFilesLimit", openFilesLimit());
        m.put("loadToolJvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments());
        return m;
    }

    static String machineLine() {
        Map<String, Object> m = machine();
        return m.get("nproc") + " cores (" + m.get("cpuModel") + "), " + m.get("memTotalMb") + " MB RAM, "
                + m.get("java") + ", Linux " + m.get("kernel") + ", load average at start " + m.get("loadAvgAtStart");
    }

    private static long meminfo(String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith(field)) {
                    return Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return -1;
    }

    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown";
    }

    private static String openFilesLimit() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (l.startsWith("Max open files")) {
                    String[] f = l.substring("Max open files".length()).trim().split("\\s+");
                    return f[0] + " soft / " + f[1] + " hard";
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown";
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Writes bench/results/&lt;scenario&gt;-&lt;timestamp&gt;.json and returns its path. */
    static Path write(Harness h, String scenario, Map<String, Object> result) {
        try {
            Path dir = h.results();
            Files.createDirectories(dir);
            Path file = dir.resolve(scenario + "-" + h.stamp() + ".json");
            JSON.writeValue(file.toFile(), result);
            System.out.println("\nresult written to " + file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
