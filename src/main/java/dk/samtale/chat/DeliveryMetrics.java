package dk.samtale.chat;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dk.samtale.conversation.Message;

/** How live delivery to sockets is measured: how many message frames, and how long after creation. */
record DeliveryMetrics(Counter delivered, Timer lag, Clock clock) {

    static DeliveryMetrics register(MeterRegistry registry, Clock clock) {
        return new DeliveryMetrics(
                Counter.builder("samtale.messages.delivered").description("Message frames sent to sockets")
                        .register(registry),
                Timer.builder("samtale.delivery.lag")
                        .description(
                                "From a message's creation to its frame on a recipient's socket (commit + fan-out)")
                        .publishPercentiles(0.5, 0.95, 0.99).register(registry),
                clock);
    }

    /** A message frame went out live (not a resume replay, whose age says nothing about the path). */
    void live(Message m) {
        delivered.increment();
        lag.record(Duration.between(m.createdAt(), clock.instant()));
    }

    void replayed() {
        delivered.increment();
    }
}
