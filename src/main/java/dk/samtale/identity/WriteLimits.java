package dk.samtale.identity;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dk.samtale.platform.LimitsConfig;
import dk.samtale.platform.RateLimiter;

/**
 * The write budgets of each caller (tenant + kind + subject), shared by everything that caller does:
 * one bucket for REST writes (every method but GET/HEAD/OPTIONS, {@link RequestLimits}) and one for
 * socket frames, shared by all of the caller's sockets, so opening more sockets buys no more rate.
 *
 * <p>
 * <b>Per replica, on purpose.</b> The buckets live in this JVM: with N replicas a caller spread over
 * all of them reaches at most N times the rate. A cluster-wide count would need the one shared state,
 * PostgreSQL, on every frame and request — a round trip the message path does not pay today (see the
 * architecture's performance design) — to stop a flood that the per-replica limit already bounds. The
 * limits protect the service from one client; they are not quotas.
 *
 * <p>
 * Buckets are {@link RateLimiter}s (a 30-line token bucket with its own tests), used under their own
 * monitor because a caller's sockets run on different event loops.
 */
@ApplicationScoped
public class WriteLimits {

    /** Socket frames per second per caller, across all of the caller's sockets (bursts of {@link #FRAME_BURST}). */
    public static final int FRAMES_PER_SECOND = 30;
    public static final int FRAME_BURST = 60;

    private final Cache<String, RateLimiter> rest = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(5)).build();
    /*
     * Held by the caller's open sockets; weak values drop a caller's bucket once no socket refers to it
     * (a bucket evicted while a socket still used it would let the next socket start with a full one).
     */
    private final Cache<String, RateLimiter> frames = Caffeine.newBuilder().weakValues().build();
    private final LimitsConfig config;
    private final Clock clock;

    WriteLimits(LimitsConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** The bucket shared by all sockets of this caller. Synchronise on it to use it. */
    public RateLimiter frames(Caller caller) {
        return frames.get(caller.tenantId() + "/" + caller.kind() + "/" + caller.id(),
                k -> new RateLimiter(FRAMES_PER_SECOND, FRAME_BURST, clock));
    }

    /** The REST write bucket of a caller keyed as {@link RequestLimits} keys them. Synchronise on it to use it. */
    RateLimiter rest(String key) {
        return rest.get(key, k -> new RateLimiter(config.restWritesPerSecond(), config.restWriteBurst(), clock));
    }
}
