package dk.samtale.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void allowsTheBurstThenRefillsAtTheSustainedRate() {
        ManualClock clock = new ManualClock();
        RateLimiter limiter = new RateLimiter(2, 5, clock);
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.tryAcquire(), "burst token " + i);
        }
        assertFalse(limiter.tryAcquire());
        assertEquals(1, limiter.retryAfterSeconds());
        clock.now = clock.now.plus(Duration.ofMillis(500));
        assertTrue(limiter.tryAcquire(), "one token after half a second at 2/s");
        assertFalse(limiter.tryAcquire());
        clock.now = clock.now.plus(Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.tryAcquire());
        }
        assertFalse(limiter.tryAcquire(), "never more than the burst, however long the pause");
    }
}
