package dk.samtale.retention;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code samtale_retention_due} (closed conversations past their period, not yet deleted, as of each tenant's
 * last pass or dry run), {@code samtale_retention_deleted_total{kind}} (conversations, and rows per aged
 * record kind), {@code samtale_retention_held_total} and {@code samtale_retention_waiting_total} (kept by a
 * legal hold, or because the case system does not have them yet, counted per pass).
 */
@ApplicationScoped
class RetentionMetrics {

    private final MeterRegistry registry;
    private final Map<UUID, Long> due = new ConcurrentHashMap<>();
    private final Counter held;
    private final Counter waiting;

    RetentionMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("samtale.retention.due", due, m -> m.values().stream().mapToLong(Long::longValue).sum())
                .description("Closed conversations past their retention period and not deleted yet").register(registry);
        this.held = Counter.builder("samtale.retention.held").description("Due conversations kept by a legal hold")
                .register(registry);
        this.waiting = Counter.builder("samtale.retention.waiting")
                .description("Due conversations kept until the case system has acknowledged all of them")
                .register(registry);
    }

    void due(UUID tenant, long n) {
        due.put(tenant, n);
    }

    void ran(UUID tenant, long stillDue, long deleted, long heldNow, long waitingNow, Map<String, Long> records) {
        due.put(tenant, stillDue);
        deleted("conversation", deleted);
        held.increment(heldNow);
        waiting.increment(waitingNow);
        records.forEach(this::deleted);
    }

    void erased(long conversations) {
        deleted("conversation", conversations);
    }

    private void deleted(String kind, long n) {
        Counter.builder("samtale.retention.deleted").tag("kind", kind).description("Rows deleted by retention")
                .register(registry).increment(n);
    }
}
