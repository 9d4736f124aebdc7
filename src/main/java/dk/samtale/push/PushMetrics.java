package dk.samtale.push;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/**
 * Push metrics, with bounded labels (FCM's error codes, our skip reasons) and no personal data:
 * {@code samtale_push_enabled}, {@code _sent_total}, {@code _failed_total{reason}},
 * {@code _retries_total{reason}}, {@code _tokens_removed_total{reason}}, {@code _skipped_total{reason}},
 * {@code _queue_lag_seconds} (commit of the oldest message waiting → FCM request, grace period included).
 */
@ApplicationScoped
@Startup // samtale_push_enabled must exist from the start, not from the first push
class PushMetrics {

    private final MeterRegistry registry;
    /** Held here: a gauge only keeps a weak reference to what it reads. */
    private final PushNotifier notifier;
    private final Counter sent;
    private final Counter moved;
    private final Timer lag;

    PushMetrics(MeterRegistry registry, PushNotifier notifier) {
        this.registry = registry;
        this.notifier = notifier;
        Gauge.builder("samtale.push.enabled", this.notifier, n -> n.enabled() ? 1 : 0)
                .description("1 when push notifications are configured, 0 when disabled").register(registry);
        this.sent = Counter.builder("samtale.push.sent").description("Notifications accepted by FCM")
                .register(registry);
        this.moved = Counter.builder("samtale.push.tokens.moved")
                .description("Push tokens registered by a new owner (taken from the previous one)").register(registry);
        this.lag = Timer.builder("samtale.push.queue.lag")
                .description("From the commit of the oldest message a push is for to its FCM request")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }

    void sent(int n) {
        sent.increment(n);
    }

    void failed(String reason) {
        Counter.builder("samtale.push.failed").description("Pushes given up on").tag("reason", reason)
                .register(registry).increment();
    }

    void retried(String reason) {
        Counter.builder("samtale.push.retries").description("Push attempts rescheduled").tag("reason", reason)
                .register(registry).increment();
    }

    void tokenRemoved(String reason) {
        Counter.builder("samtale.push.tokens.removed").description("Push tokens dropped because FCM refused them")
                .tag("reason", reason).register(registry).increment();
    }

    void tokenMoved() {
        moved.increment();
    }

    void skipped(String reason) {
        Counter.builder("samtale.push.skipped")
                .description("Due pushes not sent (delivered in time, no devices, disabled)")
                .tag("reason", reason).register(registry).increment();
    }

    void lag(Duration d) {
        lag.record(d.isNegative() ? Duration.ZERO : d);
    }
}
