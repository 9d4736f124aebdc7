package dk.samtale.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * Two trusted issuers for tenant "testby" (a citizen issuer and a staff issuer), each with an RSA key
 * pair generated for this run: the public halves as JWKS files the service is configured with, the
 * private halves in the same temp folder (so worker JVMs can sign too). Tokens are RS256, as from
 * MitID brokers and staff IdPs.
 */
final class Identity {

    static final String AUDIENCE = "samtale";
    static final String SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/Substantial";
    static final String CITIZEN = "citizen-testby";
    static final String STAFF = "staff-testby";
    /** Service clients (the case system reading the journal). */
    static final String SERVICE = "service-testby";
    /** Tokens outlive any run: the service closes a socket with 4001 when its token expires. */
    private static final long LIFETIME_SECONDS = 6 * 3600;

    private final Path dir;
    private final Map<String, PrivateKey> keys = new LinkedHashMap<>();

    private Identity(Path dir) {
        this.dir = dir;
    }

    /** Generates the keys and writes the key sets into {@code dir}. */
    static Identity generate(Path dir) {
        try {
            Files.createDirectories(dir);
            Identity id = new Identity(dir);
            for (String name : List.of(CITIZEN, STAFF, SERVICE)) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                KeyPair pair = g.generateKeyPair();
                RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
                jwk.setKeyId(name);
                Files.writeString(dir.resolve(name + "-jwks.json"), new JsonWebKeySet(jwk).toJson());
                Files.writeString(dir.resolve(name + ".key"),
                        Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
                id.keys.put(name, pair.getPrivate());
            }
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads the private keys another process generated (idle workers). */
    static Identity load(Path dir) {
        Identity id = new Identity(dir);
        try {
            for (String name : List.of(CITIZEN, STAFF, SERVICE)) {
                byte[] der = Base64.getDecoder().decode(Files.readString(dir.resolve(name + ".key")));
                id.keys.put(name, KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    Path dir() {
        return dir;
    }

    static String issuerUrl(String name) {
        return "https://idp.bench/" + name;
    }

    /** The service's issuer configuration, as system properties. */
    Map<String, String> serviceConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        for (String name : keys.keySet()) {
            String p = "samtale.identity.issuers." + name + ".";
            c.put(p + "issuer", issuerUrl(name));
            c.put(p + "kind", name.startsWith("citizen") ? "citizen" : name.startsWith("service") ? "service" : "staff");
            c.put(p + "tenant", "testby");
            c.put(p + "jwks", dir.resolve(name + "-jwks.json").toAbsolutePath().toString());
            c.put(p + "audience", AUDIENCE);
        }
        return c;
    }

    /** A distinct, valid-looking 10-digit CPR claim for citizen number n of a range. */
    static String cpr(long n) {
        return String.format("%010d", 1_000_000_000L + n);
    }

    String citizen(String cpr) {
        JwtClaims claims = claims(CITIZEN, UUID.nameUUIDFromBytes(cpr.getBytes(StandardCharsets.UTF_8)).toString());
        claims.setClaim("dk.cpr", cpr);
        claims.setClaim("loa", SUBSTANTIAL);
        claims.setClaim("name", "Borger " + cpr.substring(6));
        return sign(CITIZEN, claims);
    }

    /** A service client's token; its roles travel in {@code groups}. */
    String service(String subject, String... roles) {
        JwtClaims claims = claims(SERVICE, subject);
        claims.setStringListClaim("groups", roles);
        return sign(SERVICE, claims);
    }

    String staff(String subject, String name, String... groups) {
        JwtClaims claims = claims(STAFF, subject);
        claims.setClaim("name", name);
        claims.setStringListClaim("groups", groups);
        return sign(STAFF, claims);
    }

    private static JwtClaims claims(String issuer, String subject) {
        JwtClaims c = new JwtClaims();
        c.setIssuer(issuerUrl(issuer));
        c.setSubject(subject);
        c.setAudience(AUDIENCE);
        c.setIssuedAtToNow();
        c.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + LIFETIME_SECONDS));
        c.setGeneratedJwtId();
        return c;
    }

    private String sign(String keyName, JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.get(keyName));
        jws.setKeyIdHeaderValue(keyName);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (org.jose4j.lang.JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs {@code count} tokens on all cores (RSA signing is ~1-2 ms each). */
    static List<String> signAll(int count, IntFunction<String> token) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> token.apply(n)));
            }
            List<String> out = new ArrayList<>(count);
            for (Future<String> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("signing tokens failed", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
