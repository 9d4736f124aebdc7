package dk.samtale.records;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import dk.samtale.platform.Relay;
import dk.samtale.platform.Times;

/**
 * Deletes access-log entries older than {@code samtale.records.access-log.retention}, oldest first, in
 * batches of {@code prune-batch-size} per transaction, on any replica: a tenant's head row lock serialises
 * pruning with appending and with another replica's pruning, and each batch moves the chain's anchor so the
 * rest still verifies. The retention job of the retention feature does not touch this log; this is its own.
 */
@ApplicationScoped
class AccessLogPruning {

    private final AccessLogStore store;
    private final RecordsConfig.AccessLogConfig config;
    private final Clock clock;
    private final Counter pruned;
    private final Relay<UUID> relay;

    AccessLogPruning(AccessLogStore store, RecordsConfig config, Clock clock, MeterRegistry metrics) {
        this.store = store;
        this.config = config.accessLog();
        this.clock = clock;
        this.pruned = Counter.builder("samtale.access.log.pruned")
                .description("Access-log entries deleted past the retention period").register(metrics);
        this.relay = new Relay<>("access-log-pruning", java.time.Duration.ZERO, this.config.pruneInterval(),
                this::prune, () -> store.dueForPruning(cutoff()), metrics);
    }

    void start(@Observes StartupEvent start) {
        relay.start();
    }

    @PreDestroy
    void stop() {
        relay.stop();
    }

    Instant cutoff() {
        return Times.now(clock).minus(config.retention());
    }

    /** One batch for one tenant; more at once while batches come full. */
    Relay.Pass prune(UUID tenantId) throws Exception {
        int n = store.prune(tenantId, cutoff(), config.pruneBatchSize());
        pruned.increment(n);
        return n == config.pruneBatchSize() ? Relay.Pass.MORE : Relay.Pass.DONE;
    }
}
