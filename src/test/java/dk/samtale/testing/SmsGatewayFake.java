package dk.samtale.testing;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * WireMock on localhost as GatewayAPI, for the whole run: the service's SMS adapter is configured
 * against it (token, webhook secret, short backoff so retries happen within a test).
 */
public class SmsGatewayFake implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "test-gatewayapi-token";
    public static final String WEBHOOK_SECRET = "test-webhook-secret-of-at-least-32-bytes!";
    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return Map.of(
                "samtale.sms.gatewayapi.base-url", "http://127.0.0.1:" + server.port(),
                "samtale.sms.gatewayapi.token", TOKEN,
                "samtale.sms.gatewayapi.webhook-secret", WEBHOOK_SECRET,
                "samtale.sms.gatewayapi.callback-url", "https://samtale.test/api/v1/sms/gatewayapi/delivery-reports",
                "samtale.sms.gatewayapi.timeout", "2s",
                "samtale.sms.poll-interval", "300ms",
                "samtale.sms.backoff", "200ms",
                "samtale.sms.max-backoff", "1s");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
