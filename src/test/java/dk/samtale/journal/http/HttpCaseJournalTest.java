package dk.samtale.journal.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import dk.samtale.journal.CaseJournal.Auth;
import dk.samtale.journal.CaseJournal.Endpoint;
import dk.samtale.journal.CaseJournal.Outcome;
import dk.samtale.journal.EndpointPolicy;

/**
 * The push adapter against a local token endpoint and case system (WireMock), and against an HTTPS server
 * that requires a client certificate (certificates generated here). Time is a clock the test moves, so
 * the token backoff is asserted without waiting.
 */
class HttpCaseJournalTest {

    private static final String SECRET = "s3cr3t/with:odd&chars";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;
    private WireMockServer server;
    private final MovableClock clock = new MovableClock();
    private HttpCaseJournal adapter;

    @BeforeEach
    void start() throws Exception {
        server = new WireMockServer(options().dynamicPort().bindAddress(LOOPBACK.getHostAddress()));
        server.start();
        Path secret = Files.writeString(dir.resolve("client-secret"), SECRET + "\n");
        adapter = adapter(policy(true, List.of("127.0.0.1/32"), host -> new InetAddress[]{LOOPBACK}),
                Map.of("varde", new TenantFiles(secret, null, null, null)));
    }

    @AfterEach
    void stop() {
        adapter.close();
        server.stop();
    }

    private HttpCaseJournal adapter(EndpointPolicy policy, Map<String, TenantFiles> files) {
        return new HttpCaseJournal(policy, files, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofMinutes(5), clock);
    }

    private static EndpointPolicy policy(boolean insecure, List<String> allowed, EndpointPolicy.Resolver dns) {
        return new EndpointPolicy(insecure, allowed, List.of(), dns);
    }

    private String url(String path) {
        return "http://casesystem.test:" + server.port() + path;
    }

    private Endpoint oauth(String path) {
        return new Endpoint("varde", URI.create(url(path)),
                new Auth.ClientCredentials(URI.create(url("/token")), "samtale varde", "journal.write"));
    }

    private void token(String value, int expiresIn) {
        server.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"" + value + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn
                        + "}")));
    }

    private int tokenRequests() {
        return server.findAll(postRequestedFor(urlEqualTo("/token"))).size();
    }

    @Test
    void fetchesOneTokenWithTheSecretFromTheMountedFileAndReusesItUntilShortlyBeforeExpiry() {
        token("t1", 300);
        server.stubFor(post(urlEqualTo("/entries")).withHeader("Authorization", equalTo("Bearer t1"))
                .willReturn(aResponse().withStatus(201)));
        for (int i = 0; i < 3; i++) {
            assertEquals(new Outcome.Delivered(201), adapter.deliver(oauth("/entries"), UUID.randomUUID(), "{}"));
        }
        assertEquals(1, tokenRequests(), "one token for three entries");
        var tokenRequest = server.findAll(postRequestedFor(urlEqualTo("/token"))).get(0);
        // client_secret_basic: id and secret form-encoded, then Basic (RFC 6749 2.3.1)
        String basic = new String(Base64.getDecoder().decode(tokenRequest.getHeader("Authorization").substring(6)),
                StandardCharsets.UTF_8);
        assertEquals("samtale+varde:s3cr3t%2Fwith%3Aodd%26chars", basic);
        assertEquals("grant_type=client_credentials&scope=journal.write", tokenRequest.getBodyAsString());

        clock.advance(Duration.ofSeconds(269)); // 300 s token, renewed 30 s before it expires
        adapter.deliver(oauth("/entries"), UUID.randomUUID(), "{}");
        assertEquals(1, tokenRequests(), "still valid for more than 30 s");
        clock.advance(Duration.ofSeconds(2));
        token("t2", 300);
        server.stubFor(post(urlEqualTo("/entries")).withHeader("Authorization", equalTo("Bearer t2"))
                .willReturn(aResponse().withStatus(202)));
        assertEquals(new Outcome.Delivered(202), adapter.deliver(oauth("/entries"), UUID.randomUUID(), "{}"));
        assertEquals(2, tokenRequests(), "renewed shortly before expiry");
    }

    @Test
    void a401FetchesAFreshTokenOnceAndSendsAgain() {
        server.stubFor(post(urlEqualTo("/token")).inScenario("rotate").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\":\"old\",\"expires_in\":3600}"))
                .willSetStateTo("rotated"));
        server.stubFor(post(urlEqualTo("/token")).inScenario("rotate").whenScenarioStateIs("rotated")
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\":\"new\",\"expires_in\":3600}")));
        server.stubFor(post(urlEqualTo("/entries")).withHeader("Authorization", equalTo("Bearer old"))
                .willReturn(aResponse().withStatus(401)));
        server.stubFor(post(urlEqualTo("/entries")).withHeader("Authorization", equalTo("Bearer new"))
                .willReturn(aResponse().withStatus(201)));
        UUID key = UUID.randomUUID();
        assertEquals(new Outcome.Delivered(201), adapter.deliver(oauth("/entries"), key, "{\"a\":1}"));
        assertEquals(2, tokenRequests());
        var posts = server.findAll(postRequestedFor(urlEqualTo("/entries")));
        assertEquals(2, posts.size(), "sent again once, with the same idempotency key");
        posts.forEach(p -> assertEquals(key.toString(), p.getHeader(HttpCaseJournal.IDEMPOTENCY_KEY)));
    }

    @Test
    void aSecond401IsRetriedLaterNotRefreshedInALoop() {
        token("refused", 3600);
        server.stubFor(post(urlEqualTo("/entries")).willReturn(aResponse().withStatus(401)));
        Outcome o = adapter.deliver(oauth("/entries"), UUID.randomUUID(), "{}");
        assertEquals(new Outcome.Retry(401, null, "HTTP 401 with a fresh token"), o);
        assertEquals(2, tokenRequests(), "one refresh, not more");
        assertEquals(2, server.findAll(postRequestedFor(urlEqualTo("/entries"))).size());
    }

    @Test
    void aTokenEndpointThatIsDownIsAskedOncePerBackoffNotOncePerEntry() {
        server.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(503)));
        server.stubFor(post(urlEqualTo("/entries")).willReturn(aResponse().withStatus(201)));
        Outcome first = adapter.deliver(oauth("/entries"), UUID.randomUUID(), "{}");
        Outcome.Retry r = assertInstanceOf(Outcome.Retry.class, first);
        assertEquals(Duration.ofSeconds(5), r.retryAfter());
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(Outcome.Retry.class, adapter.deliver(oauth("/entries"), UUID.randomUUID(), "{}"));
        }
        assertEquals(1, tokenRequests(), "no request while backing off");
        clock.advance(Duration.ofSeconds(6));
        Outcome.Retry second = assertInstanceOf(Outcome.Retry.class,
                adapter.deliver(oauth("/entries"), UUID.randomUUID(), "{}"));
        assertEquals(2, tokenRequests());
        assertEquals(Duration.ofSeconds(10), second.retryAfter(), "the backoff doubles");
        assertEquals(0, server.findAll(postRequestedFor(urlEqualTo("/entries"))).size(),
                "nothing sent unauthenticated");

        clock.advance(Duration.ofSeconds(11));
        token("back", 3600);
        assertEquals(new Outcome.Delivered(201), adapter.deliver(oauth("/entries"), UUID.randomUUID(), "{}"));
    }

    @Test
    void aTenantWithoutAMountedSecretGetsNoTokenAndSendsNothing() {
        Endpoint other = new Endpoint("andenby", URI.create(url("/entries")),
                new Auth.ClientCredentials(URI.create(url("/token")), "x", null));
        assertInstanceOf(Outcome.Retry.class, adapter.deliver(other, UUID.randomUUID(), "{}"));
        assertEquals(0, server.getAllServeEvents().size());
    }

    @Test
    void aNameThatRebindsToLoopbackAfterTheCheckIsRefusedAtConnectTime() {
        server.stubFor(post(urlEqualTo("/entries")).willReturn(aResponse().withStatus(201)));
        AtomicInteger lookups = new AtomicInteger();
        EndpointPolicy rebinding = policy(true, List.of(), host -> {
            try {
                // the admin's check sees a public address; every later lookup answers loopback
                return new InetAddress[]{lookups.getAndIncrement() == 0
                        ? InetAddress.getByName("203.0.113.10")
                        : LOOPBACK};
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(rebinding.check(url("/entries")).isEmpty(), "accepted when set");
        try (HttpCaseJournal a = adapter(rebinding, Map.of())) {
            Outcome o = a.deliver(new Endpoint("varde", URI.create(url("/entries")), new Auth.None()),
                    UUID.randomUUID(),
                    "{}");
            assertEquals(new Outcome.Retry(null, null, "refused: the endpoint resolves to a disallowed address"), o);
        }
        assertEquals(0, server.getAllServeEvents().size(), "nothing reached the loopback server");
    }

    @Test
    void noAuthenticationIsRefusedUnlessInsecurePushIsAllowed() {
        server.stubFor(post(urlEqualTo("/entries")).willReturn(aResponse().withStatus(201)));
        try (HttpCaseJournal strict = adapter(policy(false, List.of("127.0.0.1/32"), h -> new InetAddress[]{LOOPBACK}),
                Map.of())) {
            assertInstanceOf(Outcome.Retry.class,
                    strict.deliver(new Endpoint("varde", URI.create(url("/entries")), new Auth.None()),
                            UUID.randomUUID(),
                            "{}"));
        }
        assertEquals(0, server.getAllServeEvents().size());
    }

    @Test
    void mutualTlsPresentsTheTenantsClientCertificateToAServerThatRequiresOne() throws Exception {
        TestPki pki = new TestPki();
        TestPki.Issued serverCert = pki.issue("case system", true);
        TestPki.Issued client = pki.issue("samtale varde", false);
        List<String> seen = new ArrayList<>();
        HttpsServer https = HttpsServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(pki.serverContext(serverCert)) {
            @Override
            public void configure(HttpsParameters params) {
                var p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        https.createContext("/entries", exchange -> {
            SSLSession session = ((HttpsExchange) exchange).getSSLSession();
            try {
                seen.add(session.getPeerPrincipal().getName() + " key="
                        + exchange.getRequestHeaders().getFirst(HttpCaseJournal.IDEMPOTENCY_KEY));
            } catch (SSLPeerUnverifiedException e) {
                seen.add("anonymous");
            }
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        https.start();
        try {
            Path cert = TestPki.pem(dir.resolve("mtls/client.pem"), client.certificate());
            Path key = TestPki.pem(dir.resolve("mtls/client-key.pem"),
                    new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(client.keys().getPrivate(), null));
            Path trust = TestPki.pem(dir.resolve("mtls/ca.pem"), pki.ca.certificate());
            EndpointPolicy loopbackAllowed = policy(false, List.of("127.0.0.1/32"), InetAddress::getAllByName);
            URI url = URI
                    .create("https://" + LOOPBACK.getHostAddress() + ":" + https.getAddress().getPort() + "/entries");
            UUID entry = UUID.randomUUID();
            try (HttpCaseJournal a = adapter(loopbackAllowed, Map.of("varde", new TenantFiles(null, cert, key, trust),
                    "nocert", new TenantFiles(null, null, null, trust)))) {
                assertEquals(new Outcome.Delivered(201),
                        a.deliver(new Endpoint("varde", url, new Auth.MutualTls()), entry,
                                "{}"));
                // without a client certificate the server's handshake fails: nothing is delivered
                Outcome none = a.deliver(new Endpoint("nocert", url, new Auth.MutualTls()), UUID.randomUUID(), "{}");
                assertInstanceOf(Outcome.Retry.class, none);
            }
            assertEquals(List.of("CN=samtale varde key=" + entry), seen);

            // the same server is refused when loopback is not allowed (checked at connect time)
            try (HttpCaseJournal strict = adapter(policy(false, List.of(), InetAddress::getAllByName),
                    Map.of("varde", new TenantFiles(null, cert, key, trust)))) {
                assertEquals(new Outcome.Retry(null, null, "refused: the endpoint resolves to a disallowed address"),
                        strict.deliver(new Endpoint("varde", url, new Auth.MutualTls()), UUID.randomUUID(), "{}"));
            }
            assertEquals(1, seen.size());
        } finally {
            https.stop(0);
        }
    }

    @Test
    void theAdapterHonoursRetryAfterAndTellsRetryFromRejection() {
        server.stubFor(
                post(urlEqualTo("/busy")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));
        server.stubFor(post(urlEqualTo("/bad")).willReturn(aResponse().withStatus(422)));
        Endpoint busy = new Endpoint("varde", URI.create(url("/busy")), new Auth.None());
        assertEquals(new Outcome.Retry(429, Duration.ofSeconds(7), "HTTP 429"),
                adapter.deliver(busy, UUID.randomUUID(), "{}"));
        assertInstanceOf(Outcome.Rejected.class,
                adapter.deliver(new Endpoint("varde", URI.create(url("/bad")), new Auth.None()), UUID.randomUUID(),
                        "{}"));
        server.stop();
        assertInstanceOf(Outcome.Retry.class, adapter.deliver(busy, UUID.randomUUID(), "{}"));
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-03T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
