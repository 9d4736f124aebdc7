package dk.samtale.push;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A local fake of Google's side of push, for the whole test run: WireMock answers the OAuth2 token
 * endpoint and FCM's HTTP v1 send endpoint. The service gets a real service-account file (a key pair
 * generated now, token_uri pointing here) and the FCM root URL of this server, so the real Firebase
 * Admin SDK does its real work — signs a JWT assertion, fetches an access token, POSTs each message.
 * By default every send succeeds; tests add stubs for their own tokens.
 */
public class FakeFcm implements QuarkusTestResourceLifecycleManager {

    public static final String PROJECT = "samtale-test";
    public static final String SEND_PATH = "/v1/projects/" + PROJECT + "/messages:send";
    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        String root = "http://127.0.0.1:" + server.port();
        server.stubFor(post(urlPathEqualTo("/token")).willReturn(okJson(
                "{\"access_token\":\"fake-access-token\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")));
        server.stubFor(post(urlPathMatching("/v1/projects/.*/messages:send")).atPriority(10)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"name\":\"projects/" + PROJECT + "/messages/0:1\"}")));
        return Map.of("samtale.push.credentials-file", serviceAccount(root + "/token").toString(),
                "samtale.push.fcm-url", root);
    }

    private static Path serviceAccount(String tokenUri) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            String pem = "-----BEGIN PRIVATE KEY-----\\n"
                    + Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                            .replace("\r\n", "\\n")
                    + "\\n-----END PRIVATE KEY-----\\n";
            String json = """
                    {"type": "service_account", "project_id": "%s", "private_key_id": "test-key",
                     "private_key": "%s", "client_email": "push@%s.iam.gserviceaccount.com",
                     "client_id": "1", "token_uri": "%s"}""".formatted(PROJECT, pem, PROJECT, tokenUri);
            Path file = Files.createTempDirectory("samtale-fcm").resolve("service-account.json");
            Files.writeString(file, json);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
