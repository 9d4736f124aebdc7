package dk.samtale.sms.gatewayapi;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import dk.samtale.sms.Segments;
import dk.samtale.sms.SmsConfig;
import dk.samtale.sms.SmsGateway;

/** The GatewayAPI adapter against WireMock: the request it makes and how it reads each kind of answer. */
class GatewayApiSmsGatewayTest {

    private static WireMockServer server;
    private GatewayApiSmsGateway gateway;

    @BeforeAll
    static void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @BeforeEach
    void adapter() {
        server.resetAll();
        String base = "http://127.0.0.1:" + server.port() + "/";
        SmsConfig.GatewayApi config = new SmsConfig.GatewayApi() {
            public String baseUrl() {
                return base;
            }

            public Optional<String> token() {
                return Optional.of("secret-token");
            }

            public Optional<String> webhookSecret() {
                return Optional.empty();
            }

            public Optional<String> callbackUrl() {
                return Optional.of("https://samtale.example/dlr");
            }

            public Duration timeout() {
                return Duration.ofMillis(1500);
            }

            public Duration signatureWindow() {
                return Duration.ofMinutes(5);
            }
        };
        gateway = new GatewayApiSmsGateway(config, new ObjectMapper(), HttpClient.newHttpClient());
    }

    private SmsGateway.Sent send(String text) {
        return gateway.send(new SmsGateway.OutgoingSms("Testby", "4512345678", text, "ref-1", Segments.count(text)))
                .await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void postsTheSmsWithTokenAuthAndReadsTheId() {
        server.stubFor(post(urlEqualTo("/rest/mtsms")).willReturn(okJson("{\"ids\":[421337],\"usage\":{}}")));
        assertEquals(new SmsGateway.Sent.Accepted(421337), send("Hej æøå"));
        server.verify(postRequestedFor(urlEqualTo("/rest/mtsms"))
                .withHeader("Authorization", equalTo("Token secret-token"))
                .withRequestBody(equalToJson("""
                        {"sender":"Testby","message":"Hej æøå","recipients":[{"msisdn":4512345678}],
                         "userref":"ref-1","callback_url":"https://samtale.example/dlr","class":"standard"}""")));
    }

    @Test
    void textsOutsideGsmGoAsUcs2() {
        server.stubFor(post(urlEqualTo("/rest/mtsms")).willReturn(okJson("{\"ids\":[1]}")));
        send("Hej 😀");
        server.verify(postRequestedFor(urlEqualTo("/rest/mtsms"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.encoding",
                        equalTo("UCS2"))));
    }

    @Test
    void serverErrorsAndRateLimitsAreRetriedClientErrorsRejected() {
        server.stubFor(post(urlEqualTo("/rest/mtsms")).willReturn(aResponse().withStatus(503)));
        assertEquals(new SmsGateway.Sent.Retry("http 503", false), send("x"));
        server.stubFor(post(urlEqualTo("/rest/mtsms")).willReturn(aResponse().withStatus(429)));
        assertEquals(new SmsGateway.Sent.Retry("http 429", false), send("x"));
        server.stubFor(post(urlEqualTo("/rest/mtsms")).willReturn(aResponse().withStatus(401)));
        assertEquals(new SmsGateway.Sent.Rejected("http 401"), send("x"));
    }

    @Test
    void aTimeoutIsRetriedAsPossiblyTaken() {
        server.stubFor(post(urlEqualTo("/rest/mtsms"))
                .willReturn(okJson("{\"ids\":[1]}").withFixedDelay(3000)));
        SmsGateway.Sent sent = send("x");
        assertTrue(sent instanceof SmsGateway.Sent.Retry r && r.maybeTaken(), "timeout: " + sent);
    }

    @Test
    void anUnreachableGatewayIsRetriedAsNotTaken() {
        server.stop();
        try {
            SmsGateway.Sent sent = send("x");
            assertTrue(sent instanceof SmsGateway.Sent.Retry r && !r.maybeTaken(), "refused: " + sent);
        } finally {
            server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
            server.start();
        }
    }

    @Test
    void withoutATokenItIsDisabled() {
        assertTrue(gateway.enabled());
        assertFalse(new GatewayApiSmsGateway(new SmsConfig.GatewayApi() {
            public String baseUrl() {
                return "http://127.0.0.1:1";
            }

            public Optional<String> token() {
                return Optional.of(" ");
            }

            public Optional<String> webhookSecret() {
                return Optional.empty();
            }

            public Optional<String> callbackUrl() {
                return Optional.empty();
            }

            public Duration timeout() {
                return Duration.ofSeconds(1);
            }

            public Duration signatureWindow() {
                return Duration.ofMinutes(5);
            }
        }, new ObjectMapper(), HttpClient.newHttpClient()).enabled());
    }
}
