package dk.samtale.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU used by the service, PostgreSQL (postmaster and its children: backends, WAL writer,
 * checkpointer ...), the load tool (this JVM and its worker JVMs) and the whole machine between two
 * snapshots, as % of one core (so 200 % is both cores of a 2-core machine). Ticks of a PostgreSQL
 * backend that exits between the snapshots are not counted (the service's pool keeps its connections).
 */
final class CpuMeter {

    private final Harness harness;

    CpuMeter(Harness harness) {
        this.harness = harness;
    }

    record Snapshot(long nanos, long service, long postgres, long tool, long machineBusy) {
    }

    Snapshot snapshot() {
        long service = harness.servicePid() > 0 ? Math.max(0, Proc.cpuTicks(harness.servicePid())) : 0;
        long pg = 0;
        for (long pid : harness.postgresPids()) {
            pg += Math.max(0, Proc.cpuTicks(pid));
        }
        long tool = 0;
        for (long pid : toolPids()) {
            tool += Math.max(0, Proc.cpuTicks(pid));
        }
        return new Snapshot(System.nanoTime(), service, pg, tool, Proc.machineTicks()[0]);
    }

    private List<Long> toolPids() {
        List<Long> pids = new ArrayList<>();
        pids.add(ProcessHandle.current().pid());
        harness.workerPids().forEach(pids::add);
        return pids;
    }

    /** Percent of one core per part, and "other" = machine busy minus the three. */
    static Map<String, Object> split(Snapshot a, Snapshot b) {
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        double service = pct(b.service() - a.service(), seconds);
        double pg = pct(b.postgres() - a.postgres(), seconds);
        double tool = pct(b.tool() - a.tool(), seconds);
        double machine = pct(b.machineBusy() - a.machineBusy(), seconds);
        m.put("servicePct", service);
        m.put("postgresPct", pg);
        m.put("loadToolPct", tool);
        m.put("machineBusyPct", machine);
        m.put("otherPct", Math.max(0, Math.round((machine - service - pg - tool) * 10) / 10.0));
        m.put("seconds", Math.round(seconds * 100) / 100.0);
        return m;
    }

    private static double pct(long ticks, double seconds) {
        return seconds <= 0 ? 0 : Math.round(ticks / Proc.TICKS_PER_SECOND / seconds * 1000) / 10.0;
    }
}
