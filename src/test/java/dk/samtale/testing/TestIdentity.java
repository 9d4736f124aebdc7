package dk.samtale.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Generates a key pair per trusted test issuer at the start of the run (no key is committed), writes
 * the public key sets where the issuer config points, and keeps the private keys in a temp folder
 * that {@link Tokens} signs with.
 */
public class TestIdentity implements QuarkusTestResourceLifecycleManager {

    static final String KEYS_DIR = "samtale.test.keys-dir";
    public static final String AUDIENCE = "samtale";

    /** Issuer name → (kind, tenant slug). "rogue" signs but is not trusted. */
    static final Map<String, String[]> ISSUERS = Map.ofEntries(
            Map.entry("citizen-testby", new String[]{"citizen", "testby"}),
            Map.entry("staff-testby", new String[]{"staff", "testby"}),
            Map.entry("service-testby", new String[]{"service", "testby"}),
            Map.entry("citizen-andenby", new String[]{"citizen", "andenby"}),
            Map.entry("staff-andenby", new String[]{"staff", "andenby"}),
            Map.entry("citizen-slettetby", new String[]{"citizen", "slettetby"}),
            Map.entry("staff-slettetby", new String[]{"staff", "slettetby"}),
            Map.entry("service-slettetby", new String[]{"service", "slettetby"}),
            // the journal tests' own tenant, and a case system of another tenant
            Map.entry("citizen-journalby", new String[]{"citizen", "journalby"}),
            Map.entry("staff-journalby", new String[]{"staff", "journalby"}),
            Map.entry("service-journalby", new String[]{"service", "journalby"}),
            Map.entry("service-andenby", new String[]{"service", "andenby"}),
            // trusted, but its tenant is never created: valid tokens that find no tenant
            Map.entry("citizen-nyby", new String[]{"citizen", "nyby"}),
            // the retention and journal-redaction tests' own tenants (issue 16)
            Map.entry("citizen-arkivby", new String[]{"citizen", "arkivby"}),
            Map.entry("staff-arkivby", new String[]{"staff", "arkivby"}),
            Map.entry("service-arkivby", new String[]{"service", "arkivby"}),
            Map.entry("citizen-glemby", new String[]{"citizen", "glemby"}),
            Map.entry("staff-glemby", new String[]{"staff", "glemby"}),
            Map.entry("service-glemby", new String[]{"service", "glemby"}));

    static String issuerUrl(String name) {
        return "https://idp.test/" + name;
    }

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("samtale-test-keys");
            Map<String, String> config = new HashMap<>();
            for (var e : ISSUERS.entrySet()) {
                String name = e.getKey();
                KeyPair pair = generate(dir, name);
                RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
                jwk.setKeyId(name);
                Path jwks = dir.resolve(name + "-jwks.json");
                Files.writeString(jwks, new JsonWebKeySet(jwk).toJson());
                String prefix = "samtale.identity.issuers." + name + ".";
                config.put(prefix + "issuer", issuerUrl(name));
                config.put(prefix + "kind", e.getValue()[0]);
                config.put(prefix + "tenant", e.getValue()[1]);
                config.put(prefix + "jwks", jwks.toString());
                config.put(prefix + "audience", AUDIENCE);
            }
            // the operators' issuer: service clients with platform-admin, no tenant of their own
            KeyPair operator = generate(dir, "operator");
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) operator.getPublic());
            jwk.setKeyId("operator");
            Path jwks = dir.resolve("operator-jwks.json");
            Files.writeString(jwks, new JsonWebKeySet(jwk).toJson());
            String prefix = "samtale.identity.issuers.operator.";
            config.put(prefix + "issuer", issuerUrl("operator"));
            config.put(prefix + "kind", "service");
            config.put(prefix + "platform-operators", "true");
            config.put(prefix + "jwks", jwks.toString());
            config.put(prefix + "audience", AUDIENCE);
            generate(dir, "rogue");
            System.setProperty(KEYS_DIR, dir.toString());
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair generate(Path dir, String name) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair pair = g.generateKeyPair();
            Files.writeString(dir.resolve(name + ".key"),
                    Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
            return pair;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }
}
