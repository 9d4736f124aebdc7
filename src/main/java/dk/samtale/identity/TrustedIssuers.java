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
import io.quarkus.security.runtime.QuarkusPrincipal;
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
        IdentityConfig.Issuer cfg = trusted.config();
        Set<String> groups = groups(jwt, cfg.groupClaims());
        String name = jwt.getClaim(cfg.nameClaim());
        String cpr = null;
        Set<String> roles = new HashSet<>();
        roles.add(cfg.kind().name());
        switch (cfg.kind()) {
            case citizen -> {
                cpr = jwt.getClaim(cfg.cprClaim());
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
        VerifiedToken verified = new VerifiedToken(cfg.kind(), cfg.tenant(), jwt.getSubject(), name, cpr,
                Set.copyOf(groups), Instant.ofEpochSecond(jwt.getExpirationTime()));
        // The principal is the subject alone, not the parsed JsonWebToken: an open socket keeps its identity
        // for its whole life, and the full claim set (jose4j JwtClaims with its raw JSON and claim map, the
        // raw token) would stay with every idle connection. Everything the service uses is in VerifiedToken.
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(jwt.getSubject()))
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
            if (value instanceof Iterable<?> values) {
                values.forEach(v -> out.add(unquote(v.toString())));
            } else if (value != null) {
                out.add(unquote(value.toString()));
            }
        }
        return out;
    }

    private static String unquote(String s) {
        // JSON-P string values print with their quotes
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
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
