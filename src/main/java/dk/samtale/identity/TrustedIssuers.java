package dk.samtale.identity;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;

/**
 * Verifies bearer tokens from any configured issuer (SmallRye JWT does one issuer per application):
 * the unverified {@code iss} only selects the issuer's own parser, which then checks signature,
 * issuer, expiry and audience. Runs before SmallRye's single-issuer validator.
 */
@ApplicationScoped
class TrustedIssuers implements IdentityProvider<TokenAuthenticationRequest> {

    private static final Logger LOG = Logger.getLogger(TrustedIssuers.class);
    private static final Pattern CPR = Pattern.compile("\\d{10}");
    private static final Set<String> SERVICE_ROLES = Set.of("journal-reader", "admin");
    /** Longer than any access token an identity provider issues; anything beyond is not a real expiry. */
    private static final java.time.Duration MAX_LIFETIME = java.time.Duration.ofDays(366);

    private record Trusted(IdentityConfig.Issuer config, DefaultJWTParser parser) {
    }

    private final Map<String, Trusted> byIssuer = new HashMap<>();
    private final ObjectMapper json;

    TrustedIssuers(IdentityConfig config, ObjectMapper json) {
        this.json = json;
        config.issuers().forEach((name, issuer) -> {
            JWTAuthContextInfo info = new JWTAuthContextInfo(issuer.jwks(), issuer.issuer());
            info.setSignatureAlgorithm(issuer.algorithms().stream().map(SignatureAlgorithm::fromAlgorithm)
                    .collect(Collectors.toSet()));
            issuer.audience().ifPresent(aud -> info.setExpectedAudience(Set.of(aud)));
            info.setClockSkew(30);
            info.setJwksRefreshInterval(10);
            byIssuer.put(issuer.issuer(), new Trusted(issuer, new DefaultJWTParser(info)));
        });
        if (byIssuer.isEmpty()) {
            LOG.warn("No token issuers configured (samtale.identity.issuers): every API call will be refused");
        } else {
            LOG.infof("Trusting %d token issuers: %s", byIssuer.size(), config.issuers().keySet());
        }
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        // higher runs first; SmallRye's single-issuer validator has the default, 1001
        return 2000;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        // Key sets may have to be fetched over HTTPS or read from disk: off the event loop.
        return context.runBlocking(() -> verify(request.getToken().getToken()));
    }

    private SecurityIdentity verify(String token) {
        Trusted trusted = byIssuer.get(unverifiedIssuer(token));
        if (trusted == null) {
            throw fail("token from an issuer that is not trusted");
        }
        JsonWebToken jwt;
        try {
            jwt = trusted.parser().parse(token);
        } catch (ParseException e) {
            throw fail("token rejected: " + rootMessage(e));
        }
        try {
            return identity(jwt, trusted.config());
        } catch (AuthenticationFailedException e) {
            throw e;
        } catch (RuntimeException e) {
            // a trusted issuer's token with claims of odd types (a number for a name, an object for
            // groups): refused like any other bad token, never a 500
            throw fail("token claims of unexpected types");
        }
    }

    private SecurityIdentity identity(JsonWebToken jwt, IdentityConfig.Issuer cfg) {
        Set<String> groups = groups(jwt, cfg.groupClaims());
        String name = text(jwt, cfg.nameClaim());
        String cpr = null;
        Set<String> roles = new HashSet<>();
        roles.add(cfg.kind().name());
        switch (cfg.kind()) {
            case citizen -> {
                cpr = text(jwt, cfg.cprClaim());
                if (cpr == null || !CPR.matcher(cpr).matches()) {
                    throw fail("citizen token without a valid CPR claim");
                }
                Object loa = jwt.getClaim(cfg.loaClaim());
                if (loa == null || !cfg.acceptedLoa().contains(loa.toString())) {
                    throw fail("citizen token below the required assurance level");
                }
            }
            case staff -> {
                if (name == null || name.isBlank()) {
                    throw fail("staff token without a name");
                }
            }
            case service -> groups.stream().filter(SERVICE_ROLES::contains).forEach(roles::add);
        }
        Instant expires = Instant.ofEpochSecond(jwt.getExpirationTime());
        if (expires.isAfter(Instant.now().plus(MAX_LIFETIME))) {
            // exp = 1e16 passed the parser and left an open socket with an expiry timer that overflowed
            throw fail("token expiry implausibly far ahead");
        }
        VerifiedToken verified = new VerifiedToken(cfg.kind(), cfg.tenant(), jwt.getSubject(), name, cpr,
                Set.copyOf(groups), expires);
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(jwt)
                .addRoles(roles)
                .addAttribute(VerifiedToken.ATTRIBUTE, verified)
                .build();
    }

    private String unverifiedIssuer(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            throw fail("not a signed JWT");
        }
        try {
            JsonNode claims = json
                    .readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            JsonNode iss = claims.get("iss");
            return iss == null ? "" : iss.asText();
        } catch (Exception e) {
            throw fail("token payload is not JSON");
        }
    }

    private static Set<String> groups(JsonWebToken jwt, List<String> claims) {
        Set<String> out = new HashSet<>();
        for (String claim : claims) {
            Object value = jwt.getClaim(claim);
            if (value instanceof jakarta.json.JsonArray values) {
                values.forEach(v -> out.add(string(v, claim)));
            } else if (value instanceof Iterable<?> values && !(value instanceof java.util.Map<?, ?>)) {
                values.forEach(v -> out.add(string(v, claim)));
            } else if (value != null) {
                out.add(string(value, claim));
            }
        }
        return out;
    }

    /** A claim that must be a JSON string when present: a number, array or object is refused. */
    private static String text(JsonWebToken jwt, String claim) {
        Object value = jwt.getClaim(claim);
        return value == null ? null : string(value, claim);
    }

    private static String string(Object value, String claim) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof jakarta.json.JsonString s) {
            return s.getString();
        }
        throw fail("claim " + claim + " is not a string");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }

    private static AuthenticationFailedException fail(String reason) {
        // The reason is logged at debug level only: it never contains the token or its claims.
        LOG.debugf("authentication failed: %s", reason);
        return new AuthenticationFailedException(reason);
    }
}
