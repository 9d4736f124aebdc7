package dk.samtale.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import org.HdrHistogram.Histogram;

/** A latency histogram in microseconds (1 µs to 10 minutes, 3 significant digits), thread-safe. */
final class Latency {

    private final Histogram h = new Histogram(1, 600_000_000L, 3);

    synchronized void recordNanos(long nanos) {
        h.recordValue(Math.max(1, Math.min(600_000_000L, nanos / 1000)));
    }

    synchronized long count() {
        return h.getTotalCount();
    }

    synchronized double percentileMs(double p) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1000.0;
    }

    synchronized double maxMs() {
        return h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1000.0;
    }

    /** count, p50, p95, p99, max (ms). */
    synchronized Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("p50Ms", round(percentileMs(50)));
        m.put("p95Ms", round(percentileMs(95)));
        m.put("p99Ms", round(percentileMs(99)));
        m.put("maxMs", round(maxMs()));
        return m;
    }

    static Object round(double ms) {
        if (Double.isNaN(ms)) {
            return null;
        }
        return ms >= 100 ? Math.round(ms) : Math.round(ms * 100) / 100.0;
    }

    /** "p50/p95/p99/max" in ms for a table cell. */
    String cell() {
        if (count() == 0) {
            return "-";
        }
        return fmt(percentileMs(50)) + "/" + fmt(percentileMs(95)) + "/" + fmt(percentileMs(99)) + "/"
                + fmt(maxMs());
    }

    static String fmt(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        return ms >= 100 ? Long.toString(Math.round(ms)) : ms >= 10 ? String.format("%.1f", ms)
                : String.format("%.2f", ms);
    }
}
