package dk.samtale.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.inject.Singleton;

/**
 * The service's clock in tests: real time plus an offset that a test moves (escalation delays, quiet
 * hours) and puts back with {@link #reset()} when it is done. Replaces the default clock
 * (platform.ClockProducer is a default bean), so everything that takes the injected Clock follows it.
 */
@Singleton
public class TestClock extends Clock {

    private volatile Duration offset = Duration.ZERO;

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(Clock.system(zone), offset);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    /** Makes "now" this instant (time keeps running from there). */
    public void set(Instant now) {
        offset = Duration.between(Instant.now(), now);
    }

    public void reset() {
        offset = Duration.ZERO;
    }
}
