package dk.samtale.platform;

import java.time.Clock;

/**
 * A token bucket: {@code perSecond} sustained, {@code burst} at once. Not thread-safe on purpose:
 * its users synchronise on it (a caller's bucket is shared by the caller's sockets and requests).
 */
public final class RateLimiter {

    private final double perSecond;
    private final double burst;
    private final Clock clock;
    private double tokens;
    private long lastNanos;

    public RateLimiter(double perSecond, double burst, Clock clock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.clock = clock;
        this.tokens = burst;
        this.lastNanos = nanos();
    }

    /** Takes one token if there is one. */
    public boolean tryAcquire() {
        long now = nanos();
        // a clock that steps back (NTP, or a test's clock) must not drain the bucket
        tokens = Math.min(burst, tokens + Math.max(0, now - lastNanos) / 1e9 * perSecond);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whole seconds until a token is available again (at least 1). */
    public int retryAfterSeconds() {
        return (int) Math.max(1, Math.ceil((1 - tokens) / perSecond));
    }

    private long nanos() {
        // the injected clock makes tests deterministic; millisecond precision is enough here
        return clock.millis() * 1_000_000L;
    }
}
