package dk.samtale.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import dk.samtale.crypto.KeysShredded;

/**
 * Resolved callers by token, so a busy client costs one directory lookup per token, not one per
 * request. Bounded in size, and an entry lives at most {@code samtale.identity.callers.ttl} and never
 * past its token's expiry: it holds a decrypted citizen name. Emptied for a tenant whose keys are
 * shredded, so no name of that tenant outlives its keys here.
 */
@ApplicationScoped
class CallerCache {

    private final Cache<VerifiedToken, Caller> cache;
    private final Clock clock;

    CallerCache(IdentityConfig config, Clock clock) {
        this.clock = clock;
        Duration ttl = config.callers().ttl();
        this.cache = Caffeine.newBuilder().maximumSize(config.callers().maxSize())
                .ticker(() -> clock.millis() * 1_000_000L)
                .expireAfter(Expiry.<VerifiedToken, Caller>creating((token, caller) -> {
                    Duration left = Duration.between(clock.instant(), token.expiresAt());
                    return left.compareTo(ttl) < 0 ? (left.isNegative() ? Duration.ZERO : left) : ttl;
                }))
                .build();
    }

    Caller get(VerifiedToken token) {
        return cache.getIfPresent(token);
    }

    void put(VerifiedToken token, Caller caller) {
        if (token.expiresAt().isAfter(clock.instant())) {
            cache.put(token, caller);
        }
    }

    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    void forget(UUID tenantId) {
        cache.asMap().values().removeIf(c -> tenantId.equals(c.tenantId()));
    }

    void onShredded(@Observes KeysShredded event) {
        forget(event.tenantId());
    }
}
