package dk.samtale.identity;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.Startup;
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
 * the unverified {@code iss}, {@code aud} and client only select the configuration entry (see
 * {@link IssuerRules}); that entry's parser then checks signature, issuer, expiry and audience with the
 * entry's keys ({@link IssuerKeys}: file, URL or OIDC discovery, rotation picked up without restart).
 * Created at start, so a configuration that could match one token to two entries stops the service.
 * Runs before SmallRye's single-issuer validator.
 */
@Startup
@ApplicationScoped
class TrustedIssuers implements IdentityProvider<TokenAuthenticationRequest> {

    private static final Logger LOG = Logger.getLogger(TrustedIssuers.class);
    private static final Pattern CPR = Pattern.compile("\\d{10}");
    private static final Set<String> SERVICE_ROLES = Set.of("journal-reader", "admin");
    static final String PLATFORM_ADMIN = "platform-admin";
    /** The staff role of a tenant's data protection officer (records: access log, insight reports by CPR). */
    static final String DPO = "dpo";
    /** Longer than any access token an identity provider issues; anything beyond is not a real expiry. */
    private static final Duration MAX_LIFETIME = Duration.ofDays(366);

    private record Trusted(IssuerRules.Entry entry, DefaultJWTParser parser, IssuerKeys keys) {
    }

    private final Map<String, List<Trusted>> byIssuer = new HashMap<>();
    private final ObjectMapper json;
    private final RefusedTokens refused;

    TrustedIssuers(IdentityConfig config, ObjectMapper json, RefusedTokens refused, Clock clock) {
        this.json = json;
        this.refused = refused;
        IssuerRules.check(config.issuers());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        new TreeMap<>(config.issuers()).forEach((name, issuer) -> {
            JWTAuthContextInfo info = new JWTAuthContextInfo((String) null, issuer.issuer());
            info.setSignatureAlgorithm(issuer.algorithms().stream().map(SignatureAlgorithm::fromAlgorithm)
                    .collect(Collectors.toSet()));
            issuer.audience().ifPresent(aud -> info.setExpectedAudience(Set.of(aud)));
            info.setClockSkew(30);
            IssuerKeys keys = new IssuerKeys(name, issuer.issuer(), issuer.jwks(), issuer.keyRefreshInterval(), http,
                    json, clock);
            byIssuer.computeIfAbsent(issuer.issuer(), k -> new ArrayList<>())
                    .add(new Trusted(new IssuerRules.Entry(name, issuer), new DefaultJWTParser(info), keys));
        });
        if (byIssuer.isEmpty()) {
            LOG.warn("No token issuers configured (samtale.identity.issuers): every API call will be refused");
        } else {
            LOG.infof("Trusting %d token issuer entries: %s", config.issuers().size(),
                    new TreeMap<>(config.issuers()).keySet());
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

    /** The unverified parts that select an entry: header's kid, claims iss/aud/client. */
    private record Unverified(String kid, String iss, Set<String> audiences, String client) {
    }

    private SecurityIdentity verify(String token) {
        try {
            return verifyClaims(token);
        } catch (AuthenticationFailedException e) {
            throw e;
        } catch (RuntimeException e) {
            // a trusted issuer's token with claims of odd types (a number for a name or CPR, an object for
            // groups, an exp beyond what a date can hold): refused like any other bad token, never a 500
            throw refused.refuse(Refusal.ODD_CLAIMS, null);
        }
    }

    private SecurityIdentity verifyClaims(String token) {
        Unverified u = unverified(token);
        List<Trusted> candidates = byIssuer.get(u.iss());
        if (candidates == null) {
            throw refused.refuse(Refusal.UNTRUSTED_ISSUER, null);
        }
        List<IssuerRules.Entry> entries = candidates.stream().map(Trusted::entry).toList();
        IssuerRules.Entry entry = IssuerRules.select(entries, u.audiences(), u.client())
                .orElseThrow(() -> refused.refuse(Refusal.NO_MATCHING_ENTRY, null));
        Trusted trusted = candidates.stream().filter(t -> t.entry() == entry).findFirst().orElseThrow();
        String name = entry.name();
        JsonWebToken jwt = parse(trusted, token, u.kid());
        IdentityConfig.Issuer cfg = entry.config();
        Set<String> groups = groups(jwt, cfg.groupClaims());
        String client = u.client();
        CallerKind kind = IssuerRules.kind(cfg, client, claim(jwt, "idtyp"), groups);
        String displayName = claim(jwt, cfg.nameClaim());
        String cpr = null;
        Set<String> roles = new HashSet<>();
        roles.add(kind.name());
        switch (kind) {
            case citizen -> {
                cpr = claim(jwt, cfg.cprClaim());
                if (cpr == null || !CPR.matcher(cpr).matches()) {
                    throw refused.refuse(Refusal.NO_CPR, name);
                }
                String loa = claim(jwt, cfg.loaClaim());
                if (loa == null || !cfg.acceptedLoa().contains(loa)) {
                    throw refused.refuse(Refusal.LOW_ASSURANCE, name);
                }
            }
            case staff -> {
                if (displayName == null || displayName.isBlank()) {
                    throw refused.refuse(Refusal.NO_NAME, name);
                }
                if (groups.stream().anyMatch(cfg.dpoGroups()::contains)) {
                    roles.add(DPO);
                }
            }
            case service -> {
                groups.stream().filter(SERVICE_ROLES::contains).forEach(roles::add);
                if (cfg.platformOperators() && groups.contains(PLATFORM_ADMIN)) {
                    roles.add(PLATFORM_ADMIN);
                }
            }
        }
        String tenantCode = null;
        if (cfg.tenantClaim().isPresent()) {
            tenantCode = claim(jwt, cfg.tenantClaim().get());
            if (tenantCode == null || tenantCode.isBlank()) {
                throw refused.refuse(Refusal.NO_TENANT_CLAIM, name);
            }
        }
        Instant expires = Instant.ofEpochSecond(jwt.getExpirationTime());
        if (expires.isAfter(Instant.now().plus(MAX_LIFETIME))) {
            // exp = 1e16 passed the parser and left an open socket whose expiry timer overflowed
            throw refused.refuse(Refusal.ODD_CLAIMS, name);
        }
        VerifiedToken verified = new VerifiedToken(kind, cfg.tenant().orElse(null), tenantCode, jwt.getSubject(),
                client, displayName, cpr, Set.copyOf(groups), expires);
        // The principal is the subject alone, not the parsed JsonWebToken: an open socket keeps its identity
        // for its whole life, and the full claim set (jose4j JwtClaims with its raw JSON and claim map, the
        // raw token) would stay with every idle connection. Everything the service uses is in VerifiedToken.
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(jwt.getSubject()))
                .addRoles(roles)
                .addAttribute(VerifiedToken.ATTRIBUTE, verified)
                .build();
    }

    private JsonWebToken parse(Trusted trusted, String token, String kid) {
        String name = trusted.entry().name();
        List<IssuerKeys.Key> keys;
        try {
            keys = trusted.keys().candidates(kid);
        } catch (IllegalStateException e) {
            throw refused.refuse(Refusal.KEYS_UNAVAILABLE, name);
        }
        if (keys.isEmpty()) {
            throw refused.refuse(Refusal.UNKNOWN_KEY, name);
        }
        Refusal last = Refusal.BAD_SIGNATURE;
        for (IssuerKeys.Key key : keys) {
            try {
                return trusted.parser().verify(token, key.key());
            } catch (ParseException e) {
                last = reason(e);
                if (last != Refusal.BAD_SIGNATURE) {
                    break; // the signature was fine; another key will not make the claims right
                }
            }
        }
        throw refused.refuse(last, name);
    }

    private static Refusal reason(ParseException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidJwtException invalid) {
                if (invalid.hasExpired()) {
                    return Refusal.EXPIRED;
                }
                if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
                        || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                    return Refusal.WRONG_AUDIENCE;
                }
                if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
                    return Refusal.BAD_SIGNATURE;
                }
                return Refusal.INVALID;
            }
            if (t instanceof org.jose4j.lang.JoseException || t instanceof java.security.GeneralSecurityException) {
                return Refusal.BAD_SIGNATURE;
            }
        }
        return Refusal.INVALID;
    }

    private Unverified unverified(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            throw refused.refuse(Refusal.MALFORMED, null);
        }
        try {
            JsonNode header = json.readTree(decode(parts[0]));
            JsonNode claims = json.readTree(decode(parts[1]));
            Set<String> audiences = new HashSet<>();
            JsonNode aud = claims.get("aud");
            if (aud != null && aud.isArray()) {
                aud.forEach(a -> audiences.add(a.asText()));
            } else if (aud != null) {
                audiences.add(aud.asText());
            }
            String client = text(claims, "azp");
            if (client == null) {
                client = text(claims, "client_id");
            }
            if (client == null) {
                client = text(claims, "appid");
            }
            return new Unverified(text(header, "kid"), text(claims, "iss") == null ? "" : text(claims, "iss"),
                    audiences, client);
        } catch (Exception e) {
            throw refused.refuse(Refusal.MALFORMED, null);
        }
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    /** A claim that must be a JSON string when present: a number, array or object is refused (ODD_CLAIMS). */
    private static String claim(JsonWebToken jwt, String name) {
        Object v = jwt.getClaim(name);
        return v == null ? null : string(v, name);
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

    private static String string(Object value, String claim) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof jakarta.json.JsonString s) {
            return s.getString();
        }
        throw new IllegalArgumentException("claim " + claim + " is not a string");
    }
}
