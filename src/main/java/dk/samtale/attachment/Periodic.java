package dk.samtale.attachment;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dk.samtale.platform.DaemonThreads;

/**
 * This feature's background work (rescans, cleanup): a task every interval on its own daemon thread,
 * blocking allowed. A failed run is logged and the next one comes as planned.
 */
final class Periodic implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Periodic.class);

    private final ScheduledExecutorService worker;

    Periodic(String name, Duration interval, Runnable task) {
        this.worker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name));
        long ms = interval.toMillis();
        worker.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s failed; trying again in %s", name, interval);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
