package dk.samtale.platform;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for the relays' own blocking work (JDBC, blocking SDKs), kept off the event loop. Daemon
 * threads, so a relay that is still waiting never holds up the JVM's exit; named, so a thread dump
 * says which relay a thread belongs to.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Threads named {@code prefix-1}, {@code prefix-2}, ... */
    public static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
