package dk.samtale.platform;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The one way work after commit is driven, for every consumer of the event log and every sender of a
 * feature's due rows (journal, push, SMS): a single daemon thread per relay (JDBC, Bouncy Castle and
 * blocking SDKs stay off the event loop), wake-ups that coalesce per key, a periodic poll as the safety
 * net, passes repeated while they find a full batch, and a failed pass retried after {@link Backoff}
 * (exponential with jitter) instead of at the next poll. The durable part — what is claimed and how —
 * stays with the feature: a claim is its own short statement (a cursor under an advisory lock, or
 * {@code FOR UPDATE SKIP LOCKED} with a lease), so several replicas can run the same relay.
 *
 * <p>
 * Metrics: {@code samtale_relay_passes_total{relay, outcome}} (done, more, busy, failed) and
 * {@code samtale_relay_pass_seconds{relay}}.
 *
 * @param <K> what a pass is for (a tenant for log consumers; one constant key for a due-row sender)
 */
public final class Relay<K> {

    /** What a pass came to. */
    public enum Pass {
        /** Nothing more to do now. */
        DONE,
        /** A full batch: run again at once. */
        MORE,
        /** Another replica holds this key: look again shortly. */
        BUSY
    }

    /** One pass for one key, on the relay's thread. */
    @FunctionalInterface
    public interface Work<K> {
        Pass run(K key) throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(Relay.class);
    private static final Duration BUSY_RETRY = Duration.ofMillis(200);
    private static final Backoff FAILURE_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));

    private final String name;
    private final Duration coalesce;
    private final Duration poll;
    private final Work<K> work;
    private final Callable<Collection<K>> due;
    private final Set<K> dirty = ConcurrentHashMap.newKeySet();
    private final Map<K, Integer> failures = new ConcurrentHashMap<>();
    private final Counter done;
    private final Counter more;
    private final Counter busy;
    private final Counter failed;
    private final Timer passes;
    private volatile ScheduledExecutorService worker;

    /**
     * @param name the relay's name (thread name, metrics tag, log lines)
     * @param coalesce how long a wake waits, so that many wakes become one pass
     * @param poll how often {@code due} is asked which keys have work (the safety net for lost wakes)
     * @param due the keys with work, as the database says
     */
    public Relay(String name, Duration coalesce, Duration poll, Work<K> work, Callable<Collection<K>> due,
            MeterRegistry metrics) {
        this.name = name;
        this.coalesce = coalesce;
        this.poll = poll;
        this.work = work;
        this.due = due;
        this.done = passCounter(metrics, "done");
        this.more = passCounter(metrics, "more");
        this.busy = passCounter(metrics, "busy");
        this.failed = passCounter(metrics, "failed");
        this.passes = Timer.builder("samtale.relay.pass").tag("relay", name).description("One pass of a relay")
                .register(metrics);
    }

    private Counter passCounter(MeterRegistry metrics, String outcome) {
        return Counter.builder("samtale.relay.passes").tag("relay", name).tag("outcome", outcome)
                .description("Passes of a relay, by outcome").register(metrics);
    }

    public synchronized void start() {
        if (worker != null) {
            return;
        }
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(name));
        // a stopped relay runs nothing more: not even a pass that was scheduled for later
        w.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        worker = w;
        long every = poll.toMillis();
        worker.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Stops after the pass in progress; whatever is due stays in the database for the next start. */
    public synchronized void stop() {
        ScheduledExecutorService w = worker;
        worker = null;
        if (w == null) {
            return;
        }
        w.shutdown();
        try {
            if (!w.awaitTermination(30, TimeUnit.SECONDS)) {
                w.shutdownNow();
            }
        } catch (InterruptedException e) {
            w.shutdownNow();
            Thread.currentThread().interrupt();
        }
        dirty.clear();
    }

    public boolean running() {
        return worker != null;
    }

    /** Run a pass for this key soon; wakes before it runs coalesce into one. */
    public void wake(K key) {
        schedule(key, coalesce);
    }

    /**
     * Run a pass for this key after {@code after} (a worker that knows when its next work falls due).
     * Like a wake it is ignored while a pass for the key is already scheduled, so keep it shorter than
     * the poll: a far-off one would hold back the polls' wakes until then.
     */
    public void wakeIn(K key, Duration after) {
        schedule(key, after.isNegative() ? Duration.ZERO : after);
    }

    private void schedule(K key, Duration after) {
        ScheduledExecutorService w = worker;
        if (w != null && dirty.add(key)) {
            try {
                w.schedule(() -> run(key), after.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                dirty.remove(key); // stopping
            }
        }
    }

    private void poll() {
        try {
            for (K key : due.call()) {
                wake(key);
            }
        } catch (Exception e) {
            LOG.warnf("Relay %s: poll failed (%s); next poll in %s", name, e.getClass().getSimpleName(), poll);
        }
    }

    private void run(K key) {
        dirty.remove(key);
        if (worker == null) {
            return; // stopped meanwhile
        }
        try {
            Pass pass;
            do {
                Timer.Sample sample = Timer.start();
                pass = work.run(key);
                sample.stop(passes);
                (pass == Pass.DONE ? done : pass == Pass.MORE ? more : busy).increment();
                failures.remove(key);
            } while (pass == Pass.MORE && worker != null && !Thread.currentThread().isInterrupted());
            if (pass == Pass.BUSY) {
                schedule(key, BUSY_RETRY);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failed.increment();
            int n = failures.merge(key, 1, Integer::sum);
            Duration delay = FAILURE_BACKOFF.delay(n, null);
            LOG.warnf("Relay %s: pass for %s failed (%s: %s); attempt %d, again in %d ms", name, key,
                    e.getClass().getSimpleName(), e.getMessage(), n, delay.toMillis());
            schedule(key, delay);
        }
    }
}
