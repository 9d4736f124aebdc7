package dk.samtale.platform;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Retry delays, one formula for every relay: exponential from {@code base} (doubling per attempt) with
 * "equal jitter" — half fixed, half random, so replicas that failed together do not retry together —
 * never shorter than the server's Retry-After, never longer than {@code max} (which also caps a
 * Retry-After).
 */
public record Backoff(Duration base, Duration max) {

    /** The delay after {@code attempts} failed attempts, with a fresh random jitter. */
    public Duration delay(int attempts, Duration retryAfter) {
        return delay(attempts, retryAfter, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /**
     * @param attempts attempts made so far (1 after the first failure)
     * @param retryAfter what the server asked for, or null
     * @param random a uniform random long in [0, bound] for a given bound
     */
    public Duration delay(int attempts, Duration retryAfter, LongUnaryOperator random) {
        long exp = base.toMillis() << Math.min(20, Math.max(0, attempts - 1));
        long capped = Math.min(exp, max.toMillis());
        long jittered = capped / 2 + random.applyAsLong(capped / 2);
        long wanted = retryAfter == null ? jittered : Math.max(jittered, retryAfter.toMillis());
        return Duration.ofMillis(Math.min(wanted, max.toMillis()));
    }
}
