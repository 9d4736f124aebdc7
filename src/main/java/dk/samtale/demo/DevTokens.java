package dk.samtale.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

import io.quarkus.arc.profile.IfBuildProfile;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import dk.samtale.identity.CallerKind;
import dk.samtale.identity.IdentityConfig;

/**
 * Signs tokens for the demo users with key pairs generated at start. The public halves are written
 * where the demo issuers' {@code jwks} settings point; the private halves never leave memory, so a
 * restart invalidates old demo tokens and no private key is ever on disk or in git.
 */
@io.quarkus.runtime.Startup // keys written at start, before any request can read the key files
@ApplicationScoped
@IfBuildProfile("demo")
class DevTokens {

    static final Duration LIFETIME = Duration.ofHours(8);
    static final String NSIS_SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/Substantial";

    /** A demo user: who they are and which issuer vouches for them. */
    record DemoUser(String login, CallerKind kind, String name, String cpr, List<String> groups) {
    }

    static final List<DemoUser> USERS = List.of(
            new DemoUser("mette", CallerKind.staff, "Mette Sørensen", null, List.of(DemoSeeder.UNIT_EXTERNAL_ID)),
            new DemoUser("jonas", CallerKind.staff, "Jonas Holm", null, List.of(DemoSeeder.UNIT_EXTERNAL_ID)),
            new DemoUser("sofie", CallerKind.citizen, "Sofie Jensen", DemoSeeder.SOFIE_CPR, List.of()),
            new DemoUser("mads", CallerKind.citizen, "Mads Nielsen", DemoSeeder.MADS_CPR, List.of()),
            new DemoUser("case-system", CallerKind.service, "Demo case system", null, List.of("journal-reader")));

    private record Signer(String issuer, String keyId, PrivateKey key) {
    }

    private final Map<CallerKind, Signer> signers = new HashMap<>();

    DevTokens(IdentityConfig identity) {
        identity.issuers().forEach((name, issuer) -> {
            KeyPair pair = rsa();
            // a key id of its own per run: a key set read before this run's was written (a token of the
            // previous run arriving first) names other ids, so the first token of this run reloads it
            String kid = "demo-" + name + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
            RsaJsonWebKey jwk = new RsaJsonWebKey((java.security.interfaces.RSAPublicKey) pair.getPublic());
            jwk.setKeyId(kid);
            jwk.setAlgorithm("RS256");
            issuer.jwks().ifPresent(file -> write(Path.of(file), new JsonWebKeySet(jwk).toJson()));
            signers.put(issuer.kind(), new Signer(issuer.issuer(), kid, pair.getPrivate()));
        });
    }

    String token(DemoUser user) {
        Signer signer = signers.get(user.kind());
        if (signer == null) {
            throw new IllegalStateException("no demo issuer configured for " + user.kind());
        }
        JwtClaimsBuilder claims = Jwt.issuer(signer.issuer()).subject(user.login())
                .issuedAt(Instant.now()).expiresIn(LIFETIME).claim("name", user.name());
        if (user.cpr() != null) {
            claims.claim("dk.cpr", user.cpr()).claim("loa", NSIS_SUBSTANTIAL);
        }
        if (!user.groups().isEmpty()) {
            claims.groups(Set.copyOf(user.groups()));
        }
        return claims.jws().keyId(signer.keyId()).sign(signer.key());
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
