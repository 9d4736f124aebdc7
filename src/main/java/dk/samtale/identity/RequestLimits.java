package dk.samtale.identity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.RateLimiter;

/**
 * Per-caller limit on writes over REST: every method that may change something (POST, PUT, PATCH,
 * DELETE — all but GET, HEAD and OPTIONS), by default 10 per second sustained, bursts of 30
 * ({@link dk.samtale.platform.LimitsConfig}); over it, 429 with Retry-After. Per replica
 * ({@link WriteLimits} says why).
 *
 * <p>
 * It lives in {@code identity}, not {@code platform}, because the limit is per caller and only identity
 * knows who the caller is (the {@link VerifiedToken}); platform stays below every feature.
 */
@ApplicationScoped
class RequestLimits {

    private static final java.util.Set<String> READS = java.util.Set.of(HttpMethod.GET, HttpMethod.HEAD,
            HttpMethod.OPTIONS);
    private final CurrentIdentityAssociation identities;
    private final WriteLimits limits;

    RequestLimits(CurrentIdentityAssociation identities, WriteLimits limits) {
        this.identities = identities;
        this.limits = limits;
    }

    @ServerRequestFilter
    Uni<Response> limitWrites(ContainerRequestContext request) {
        if (READS.contains(request.getMethod())) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity().<Response>map(identity -> {
            String key = key(identity);
            if (key == null) {
                return null; // unauthenticated: refused by authorisation anyway
            }
            RateLimiter limiter = limits.rest(key);
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
