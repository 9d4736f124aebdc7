package dk.samtale.identity;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.LimitsConfig;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.RateLimiter;

/**
 * Per-caller limit on writes over REST (the WebSocket has its own per-socket limit): by default 10 per
 * second sustained, bursts of 30 ({@link LimitsConfig}); over it, 429 with Retry-After. Per replica, which is enough to stop one
 * misbehaving client from flooding the database; it is not a quota.
 *
 * <p>
 * It lives in {@code identity}, not {@code platform}, because the limit is per caller and only identity
 * knows who the caller is (the {@link VerifiedToken}); platform stays below every feature.
 */
@ApplicationScoped
class RequestLimits {

    private final Cache<String, RateLimiter> limiters = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(5)).build();
    private final CurrentIdentityAssociation identities;
    private final LimitsConfig config;
    private final Clock clock;

    RequestLimits(CurrentIdentityAssociation identities, LimitsConfig config, Clock clock) {
        this.identities = identities;
        this.config = config;
        this.clock = clock;
    }

    @ServerRequestFilter
    Uni<Response> limitWrites(ContainerRequestContext request) {
        if (!HttpMethod.POST.equals(request.getMethod())) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity().<Response>map(identity -> {
            String key = key(identity);
            if (key == null) {
                return null; // unauthenticated: refused by authorisation anyway
            }
            RateLimiter limiter = limiters.get(key,
                    k -> new RateLimiter(config.restWritesPerSecond(), config.restWriteBurst(), clock));
            synchronized (limiter) {
                if (limiter.tryAcquire()) {
                    return null;
                }
                throw new ProblemException(ErrorCode.RATE_LIMITED, "Too many requests; slow down",
                        java.util.List.of(), limiter.retryAfterSeconds());
            }
        }).onFailure(e -> !(e instanceof ProblemException)).recoverWithNull();
    }

    private static String key(SecurityIdentity identity) {
        VerifiedToken token = identity == null || identity.isAnonymous()
                ? null
                : identity.getAttribute(VerifiedToken.ATTRIBUTE);
        return token == null ? null : token.kind() + "/" + token.tenantKey() + "/" + token.subject();
    }
}
