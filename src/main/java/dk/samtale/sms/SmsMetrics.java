package dk.samtale.sms;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * SMS counters for operations and billing: SMS and segments sent and their cost, per tenant and
 * calendar month (the tenant's local month), so a month's figure is the counter's increase.
 */
@ApplicationScoped
public class SmsMetrics {

    private final MeterRegistry registry;
    private final SmsConfig config;

    SmsMetrics(MeterRegistry registry, SmsConfig config, SmsGateway gateway) {
        this.registry = registry;
        this.config = config;
        Gauge.builder("samtale.sms.enabled", gateway, g -> g.enabled() ? 1 : 0)
                .description("1 when an SMS gateway is configured, 0 when SMS is disabled").register(registry);
    }

    void sent(String tenant, ZoneId zone, Instant at, Segments.Count count) {
        String month = YearMonth.from(at.atZone(zone)).toString();
        Counter.builder("samtale.sms.sent").description("SMS handed to the gateway").tags("tenant", tenant, "month",
                month).register(registry).increment();
        Counter.builder("samtale.sms.segments").description("SMS segments handed to the gateway")
                .tags("tenant", tenant, "month", month, "encoding", count.encoding().name()).register(registry)
                .increment(count.segments());
        Counter.builder("samtale.sms.cost").description("Cost of the segments sent (samtale.sms.cost-per-segment)")
                .tags("tenant", tenant, "month", month).register(registry)
                .increment(count.segments() * config.costPerSegment());
    }

    void outcome(String what) {
        Counter.builder("samtale.sms.outcomes").description("What happened to SMS notices and incoming SMS")
                .tags("outcome", what).register(registry).increment();
    }
}
