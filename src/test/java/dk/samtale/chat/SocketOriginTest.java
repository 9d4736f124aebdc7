package dk.samtale.chat;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

import dk.samtale.platform.Problem;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * Issue 14 item 5: a page of another origin that passes a valid token must not get a socket. Allowed:
 * the service's own origin (the inbox), the configured origins ({@code samtale.chat.allowed-origins},
 * the test profile lists {@value #CONFIGURED}), and apps that send no Origin at all.
 */
@QuarkusTest
class SocketOriginTest {

    static final String CONFIGURED = "https://inbox.testby.example";
    private static final String FOREIGN = "https://evil.example";

    @Test
    void anUpgradeFromAForeignOriginIsRefusedWith403BeforeTheUpgrade() throws Exception {
        String token = World.citizenA();
        long before = Files.size(RefusedUpgradeLogTest.LOG);
        assertEquals(403, WsClient.upgradeStatus(WsClient.options().addHeader("Authorization", "Bearer " + token)
                .addHeader("Origin", FOREIGN)));
        // as a browser page on another origin does it: the token in the subprotocol
        assertEquals(403, WsClient.upgradeStatus(WsClient.browserOptions(token).addHeader("Origin", FOREIGN)));
        assertEquals(403, WsClient.upgradeStatus(WsClient.options().addHeader("Authorization", "Bearer " + token)
                .addHeader("Origin", "null")));
        // a look-alike of our own origin on another port or scheme-less host is foreign too
        assertEquals(403, WsClient.upgradeStatus(WsClient.options().addHeader("Authorization", "Bearer " + token)
                .addHeader("Origin", "http://localhost:1")));

        // the refusal is a problem document
        RestAssured.given().header("Authorization", "Bearer " + token).header("Origin", FOREIGN)
                .header("Connection", "Upgrade").header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").get("/api/v1/chat").then().statusCode(403)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("forbidden"));

        Thread.sleep(300);
        String added = RefusedUpgradeLogTest.tail(before);
        assertFalse(added.contains("\tat "), "a refused upgrade logged a stack trace:\n" + added);
        assertFalse(added.contains("ERROR"), "a refused upgrade logged an ERROR:\n" + added);
        // at most one reason line per refusal (5), and never the token
        long reasons = added.lines().filter(l -> l.contains("foreign-origin")).count();
        assertTrue(reasons <= 5, () -> "refusals added " + reasons + " reason lines");
        assertFalse(added.contains(token.substring(token.lastIndexOf('.') + 1)), "a token reached the log");
    }

    @Test
    void aConfiguredOriginTheServicesOwnOriginAndNoOriginMayConnect() {
        try (WsClient ws = WsClient
                .connect(WsClient.browserOptions(World.citizenA()).addHeader("Origin", CONFIGURED))) {
            assertPong(ws);
        }
        String own = "http://localhost:" + RestAssured.port;
        try (WsClient ws = WsClient.connect(WsClient.browserOptions(World.staffX()).addHeader("Origin", own))) {
            assertPong(ws);
        }
        // an app: no Origin header at all (Vert.x, like browsers, adds one unless told not to)
        try (WsClient ws = WsClient.connect(WsClient.options().setAllowOriginHeader(false)
                .addHeader("Authorization", "Bearer " + World.citizenA()))) {
            assertPong(ws);
        }
    }

    private static void assertPong(WsClient ws) {
        ws.send(Map.of("type", "ping", "id", "origin"));
        assertEquals("pong", ws.await("pong").path("type").asText());
    }
}
