package dk.samtale.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dk.samtale.testing.TestClock;

/**
 * Keys by OIDC discovery from a local server that rotates its keys: a new key id is picked up by one
 * refresh, and refreshes are rate-limited whatever key ids tokens name.
 */
class IssuerKeysTest {

    private HttpServer server;
    private volatile String jwks;
    private volatile String discoveredIssuer;
    private final AtomicInteger keyFetches = new AtomicInteger();
    private final TestClock clock = new TestClock();
    private String issuer;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/r";
        discoveredIssuer = issuer;
        server.createContext("/realms/r/.well-known/openid-configuration", x -> respond(x,
                "{\"issuer\":\"" + discoveredIssuer + "\",\"jwks_uri\":\"" + issuer + "/certs\"}"));
        server.createContext("/realms/r/certs", x -> {
            keyFetches.incrementAndGet();
            respond(x, jwks);
        });
        server.start();
        jwks = keySet("k1");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange x, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(200, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private static String keySet(String... kids) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            RsaJsonWebKey[] keys = new RsaJsonWebKey[kids.length];
            for (int i = 0; i < kids.length; i++) {
                keys[i] = new RsaJsonWebKey((RSAPublicKey) g.generateKeyPair().getPublic());
                keys[i].setKeyId(kids[i]);
            }
            return new JsonWebKeySet(keys).toJson();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private IssuerKeys keys() {
        return new IssuerKeys("test", issuer, Optional.empty(), Duration.ofSeconds(30), HttpClient.newHttpClient(),
                new ObjectMapper(), clock);
    }

    @Test
    void findsTheKeysByDiscoveryAndPicksUpARotatedKeyWithOneRefresh() {
        IssuerKeys keys = keys();
        assertEquals("k1", keys.candidates("k1").get(0).kid());
        assertEquals(1, keyFetches.get());

        jwks = keySet("k2", "k1"); // the IdP rotates
        clock.advance(Duration.ofSeconds(31));
        assertEquals("k2", keys.candidates("k2").get(0).kid());
        assertEquals(2, keyFetches.get());
        assertEquals("k1", keys.candidates("k1").get(0).kid());
        assertEquals(2, keyFetches.get(), "known key ids cost no fetch");
    }

    @Test
    void unknownKeyIdsRefreshAtMostOncePerInterval() {
        IssuerKeys keys = keys();
        keys.candidates("k1");
        clock.advance(Duration.ofSeconds(31));
        for (int i = 0; i < 100; i++) {
            assertTrue(keys.candidates("junk-" + i).isEmpty());
        }
        assertEquals(2, keyFetches.get(), "one refresh for a hundred unknown key ids");
        clock.advance(Duration.ofSeconds(31));
        assertTrue(keys.candidates("junk").isEmpty());
        assertEquals(3, keyFetches.get());
    }

    @Test
    void aRotationWithinTheIntervalIsPickedUpWhenItEnds() {
        IssuerKeys keys = keys();
        keys.candidates("k1");
        jwks = keySet("k2");
        assertTrue(keys.candidates("k2").isEmpty(), "rate-limited right after the first load");
        clock.advance(Duration.ofSeconds(31));
        assertEquals(1, keys.candidates("k2").size());
    }

    @Test
    void aKeyFileRewrittenWithANewKeyIdIsReadAgain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        // the demo's restart: a token of the previous run made us read the old key file before this run
        // wrote its own; this run's keys have new ids, so its first token reloads the file
        java.nio.file.Path file = dir.resolve("staff-jwks.json");
        java.nio.file.Files.writeString(file, keySet("demo-staff-old"));
        IssuerKeys keys = new IssuerKeys("demo", "https://idp.demo", Optional.of(file.toString()),
                Duration.ofSeconds(1), HttpClient.newHttpClient(), new ObjectMapper(), clock);
        assertEquals(1, keys.candidates("demo-staff-old").size());
        java.nio.file.Files.writeString(file, keySet("demo-staff-new"));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(1, keys.candidates("demo-staff-new").size());
    }

    @Test
    void aDiscoveryDocumentForAnotherIssuerIsNotUsed() {
        discoveredIssuer = "https://evil.example";
        assertThrows(IllegalStateException.class, () -> keys().candidates("k1"));
        assertEquals(0, keyFetches.get());
    }
}
