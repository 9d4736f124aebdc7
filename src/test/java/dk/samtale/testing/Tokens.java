package dk.samtale.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/** Signs test tokens with the keys {@link TestIdentity} generated for this run. */
public final class Tokens {

    public static final String SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/Substantial";
    public static final String LOW = "https://data.gov.dk/concept/core/nsis/Low";
    private static final Map<String, PrivateKey> KEYS = new ConcurrentHashMap<>();

    private Tokens() {
    }

    /** A citizen of "testby" or "andenby", at NSIS Substantial. */
    public static String citizen(String tenant, String cpr, String name) {
        return citizenBuilder(tenant, cpr, name, SUBSTANTIAL).sign("citizen-" + tenant, "citizen-" + tenant);
    }

    public static String staff(String tenant, String subject, String name, String... groups) {
        return staffBuilder(tenant, subject, name, groups).sign("staff-" + tenant, "staff-" + tenant);
    }

    public static String service(String tenant, String subject, String... roles) {
        return new Builder(claims("service-" + tenant, subject).groups(Set.of(roles)))
                .sign("service-" + tenant, "service-" + tenant);
    }

    /** A platform operator's service token (the operators' issuer, role platform-admin). */
    public static String operator(String subject) {
        return new Builder(claims("operator", subject).groups(Set.of("platform-admin"))).sign("operator", "operator");
    }

    public static Builder citizenBuilder(String tenant, String cpr, String name, String loa) {
        return new Builder(claims("citizen-" + tenant, pseudonym(cpr)).claim("dk.cpr", cpr).claim("loa", loa)
                .claim("name", name));
    }

    public static Builder staffBuilder(String tenant, String subject, String name, String... groups) {
        return new Builder(claims("staff-" + tenant, subject).claim("name", name).groups(Set.of(groups)));
    }

    /** MitID brokers give citizens a pseudonymous subject, never the CPR. */
    static String pseudonym(String cpr) {
        return java.util.UUID.nameUUIDFromBytes(cpr.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static JwtClaimsBuilder claims(String issuer, String subject) {
        return Jwt.issuer(TestIdentity.issuerUrl(issuer)).subject(subject).audience(TestIdentity.AUDIENCE)
                .issuedAt(Instant.now()).expiresIn(Duration.ofHours(1));
    }

    /** Claims to sign, with the knobs the negative tests need. */
    public static final class Builder {
        private final JwtClaimsBuilder claims;

        Builder(JwtClaimsBuilder claims) {
            this.claims = claims;
        }

        public Builder expiresAt(Instant at) {
            claims.issuedAt(at.minusSeconds(3600)).expiresAt(at);
            return this;
        }

        public Builder issuer(String issuerUrl) {
            claims.issuer(issuerUrl);
            return this;
        }

        public Builder audience(String audience) {
            claims.audience(audience);
            return this;
        }

        /** Any claim, of any JSON type (the odd-claim tests put numbers, arrays and objects where strings go). */
        public Builder claim(String name, Object value) {
            claims.claim(name, value);
            return this;
        }

        /** {@code exp} as a raw number of seconds, however far ahead. */
        public Builder expiresAtSecond(long epochSecond) {
            claims.expiresAt(epochSecond);
            return this;
        }

        /** Signs with the private key of {@code keyName} ("rogue" is a key no issuer trusts). */
        public String sign(String keyName, String keyId) {
            return claims.jws().keyId(keyId).sign(key(keyName));
        }

        public String sign(String keyName) {
            return sign(keyName, keyName);
        }

        /** The same claims, unsigned, with {@code "alg": "none"}. */
        public String unsigned() {
            String signed = sign("rogue");
            String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
            return header + "." + signed.split("\\.")[1] + ".";
        }
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static PrivateKey key(String name) {
        return KEYS.computeIfAbsent(name, n -> {
            try {
                String dir = System.getProperty(TestIdentity.KEYS_DIR);
                byte[] der = Base64.getDecoder().decode(Files.readString(Path.of(dir, n + ".key")));
                return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (Exception e) {
                throw new IllegalStateException("no test key " + n, e);
            }
        });
    }
}
