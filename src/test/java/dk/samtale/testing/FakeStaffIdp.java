package dk.samtale.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The municipality's staff identity provider, faked with WireMock on localhost: OIDC discovery, an
 * authorization endpoint that sends the browser straight back with a code (the user "logs in" at once)
 * and a token endpoint the tests stub per flow. The inbox is configured against it, so the browser
 * runs the real authorization code + PKCE flow.
 */
public class FakeStaffIdp implements QuarkusTestResourceLifecycleManager {

    public static final String CLIENT_ID = "samtale-inbox";
    public static final String REALM = "/realms/staff";
    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    public static String issuer() {
        return "http://localhost:" + server.port() + REALM;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").templatingEnabled(true)
                .globalTemplating(true));
        server.start();
        String base = issuer();
        server.stubFor(get(urlPathEqualTo(REALM + "/.well-known/openid-configuration"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withHeader("Access-Control-Allow-Origin", "*")
                        .withBody("{\"issuer\":\"" + base + "\",\"authorization_endpoint\":\"" + base
                                + "/protocol/openid-connect/auth\",\"token_endpoint\":\"" + base
                                + "/protocol/openid-connect/token\",\"code_challenge_methods_supported\":[\"S256\"]}")));
        // "logged in" at once: back to the inbox with a code and the state it was given
        server.stubFor(get(urlPathEqualTo(REALM + "/protocol/openid-connect/auth"))
                .willReturn(aResponse().withStatus(302).withHeader("Location",
                        "{{request.query.redirect_uri}}?code=code-{{randomValue length=12 type='ALPHANUMERIC'}}"
                                + "&state={{urlEncode request.query.state}}")));
        return Map.of("samtale.inbox.oidc.issuer", base, "samtale.inbox.oidc.client-id", CLIENT_ID);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
