package dk.samtale.records;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dk.samtale.platform.AccessLog;
import dk.samtale.platform.Relay;
import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * The access log as features see it: {@link #record} costs a map lookup and a queue insert on the caller's
 * thread (the event loop, usually) and never touches the database. Repeats of one access (same tenant,
 * accessor, citizen, conversation and kind) within {@code coalesce-window} are dropped here, so paging through
 * a conversation or an inbox that refreshes is one entry. A relay ({@code access-log}, one thread) appends
 * what is waiting in batches after {@code flush-interval}; a batch the database refused goes back to the front
 * and is retried with backoff. Shutdown appends what is left.
 *
 * <p>
 * What this costs in guarantees, and why it is acceptable: a replica that dies uncleanly loses the accesses
 * of its last flush interval (a second by default), and two replicas each record their first access of a
 * window. Writing a row in every read's request would put a per-tenant chain lock on every page a caseworker
 * opens; the log is evidence of who looked, not part of what they saw.
 */
@ApplicationScoped
class BufferedAccessLog implements AccessLog {

    private static final Logger LOG = Logger.getLogger(BufferedAccessLog.class);
    private static final String KEY = "flush";

    private record Coalesce(UUID tenantId, Accessor who, UUID citizenId, UUID conversationId, Kind kind) {
    }

    private final AccessLogStore store;
    private final RecordsConfig.AccessLogConfig config;
    private final Clock clock;
    private final Map<Coalesce, Instant> recent = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<AccessLogStore.Pending> waiting = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Counter appended;
    private final Counter coalesced;
    private final Counter dropped;
    private final Relay<String> relay;
    private volatile long droppedLogged;

    BufferedAccessLog(AccessLogStore store, RecordsConfig config, Clock clock, MeterRegistry metrics) {
        this.store = store;
        this.config = config.accessLog();
        this.clock = clock;
        this.appended = Counter.builder("samtale.access.log.appended").description("Access-log entries appended")
                .register(metrics);
        this.coalesced = Counter.builder("samtale.access.log.coalesced")
                .description("Accesses that repeated one already recorded within the coalesce window")
                .register(metrics);
        this.dropped = Counter.builder("samtale.access.log.dropped")
                .description("Accesses dropped because the buffer was full (the database took no writes)")
                .register(metrics);
        Gauge.builder("samtale.access.log.waiting", size, AtomicInteger::get)
                .description("Accesses waiting in memory to be appended").register(metrics);
        Duration every = this.config.flushInterval();
        this.relay = new Relay<>("access-log", every, every, key -> flush(), () -> {
            forget();
            return waiting.isEmpty() ? List.of() : List.of(KEY);
        }, metrics);
    }

    void start(@Observes StartupEvent start) {
        relay.start();
    }

    /** Appends what is still waiting before the database goes away (a clean shutdown loses nothing). */
    void stop(@Observes ShutdownEvent stop) {
        relay.stop();
        try {
            while (flush() == Relay.Pass.MORE) {
                // next batch
            }
        } catch (Exception e) {
            LOG.errorf("Access log: %d accesses could not be appended at shutdown (%s)", size.get(),
                    e.getClass().getSimpleName());
        }
    }

    @PreDestroy
    void destroy() {
        relay.stop();
    }

    @Override
    public void record(Access access) {
        Instant now = Times.now(clock);
        Coalesce key = new Coalesce(access.tenantId(), access.who(), access.citizenId(), access.conversationId(),
                access.kind());
        boolean[] fresh = {false};
        recent.compute(key, (k, last) -> {
            if (last != null && now.isBefore(last.plus(config.coalesceWindow()))) {
                return last;
            }
            fresh[0] = true;
            return now;
        });
        if (!fresh[0]) {
            coalesced.increment();
            return;
        }
        if (size.incrementAndGet() > config.bufferLimit()) {
            size.decrementAndGet();
            recent.remove(key); // not recorded: the next one may be
            dropped.increment();
            long n = (long) dropped.count();
            if (n - droppedLogged >= 1000 || droppedLogged == 0) {
                droppedLogged = n;
                LOG.errorf("Access log: buffer full (%d waiting), %d accesses dropped so far", config.bufferLimit(), n);
            }
            return;
        }
        waiting.add(new AccessLogStore.Pending(access, Uuid7.next(clock), now));
        relay.wake(KEY);
    }

    /**
     * Appends up to one batch of what is waiting (for tests too: at once, on the caller's thread). One pass at
     * a time: a caller that finds the queue empty while the relay is still appending what it took waits for
     * that, so {@link #flushAll} means "everything recorded so far is written" (AccessLogTest raced without).
     */
    synchronized Relay.Pass flush() throws Exception {
        List<AccessLogStore.Pending> batch = new ArrayList<>();
        for (AccessLogStore.Pending p; batch.size() < config.batchSize() && (p = waiting.poll()) != null;) {
            batch.add(p);
        }
        if (batch.isEmpty()) {
            return Relay.Pass.DONE;
        }
        try {
            store.append(batch);
        } catch (Exception e) {
            for (int i = batch.size() - 1; i >= 0; i--) {
                waiting.addFirst(batch.get(i));
            }
            throw e;
        }
        size.addAndGet(-batch.size());
        appended.increment(batch.size());
        return waiting.isEmpty() ? Relay.Pass.DONE : Relay.Pass.MORE;
    }

    /** Forgets accesses older than the window (the map holds at most one window's distinct accesses). */
    private void forget() {
        Instant cutoff = Times.now(clock).minus(config.coalesceWindow());
        recent.values().removeIf(t -> t.isBefore(cutoff));
    }

    /** For tests: appends everything waiting now. */
    void flushAll() throws Exception {
        while (flush() == Relay.Pass.MORE) {
            // next batch
        }
    }

    /** For tests: forgets every recent access, as if the coalesce window had passed for all. */
    void forgetAll() {
        recent.clear();
    }
}
