package dk.samtale.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * Runs last and reads the service log of the whole test run (DEBUG for our code, access log on):
 * no message text, CPR number or token may appear in it, including on error paths.
 */
@QuarkusTest
@Order(Integer.MAX_VALUE)
class LogHygieneTest {

    @Test
    void theLogOfTheWholeRunHoldsNoMessageTextCprOrToken() throws Exception {
        String marker = "HEMMELIG-" + UUID.randomUUID();
        String cpr = dk.samtale.testing.People.adultCpr();
        String citizen = Tokens.citizen("testby", cpr, "Mia Markør");
        String staff = World.staffX();

        String conversation = World.openConversation(citizen, World.UNIT_X);
        World.send(citizen, conversation, marker);
        Api.as(staff).body(Map.of("cpr", cpr)).post("/api/v1/citizens/lookup").then().statusCode(200);
        // error paths too: a failing lookup, a bad body, a refused token
        Api.as(staff).body(Map.of("cpr", cpr + "x")).post("/api/v1/citizens/lookup").then().statusCode(400);
        Api.as(citizen).body(Map.of("clientMessageId", "m", "body", marker + " ".repeat(4000) + marker))
                .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(400);
        Api.as(Tokens.citizenBuilder("testby", cpr, "Mia", Tokens.LOW).sign("citizen-testby")).get("/api/v1/me")
                .then().statusCode(401);
        // push: the device token travels in a request body, the sealed column and the FCM request only
        String pushToken = "push-token-" + UUID.randomUUID();
        Api.as(citizen).body(Map.of("token", pushToken, "platform", "android")).post("/api/v1/devices").then()
                .statusCode(201);
        Api.as(citizen).body(Map.of("token", pushToken + " ", "platform", "android")).post("/api/v1/devices").then()
                .statusCode(400);
        // SMS: a verified number, a conversation by SMS, a message that the relay sends as a notice
        String phone = "+4531" + (100000 + (int) (Math.random() * 899999));
        String citizenId = Api.as(staff).body(Map.of("cpr", cpr)).post("/api/v1/citizens/lookup").then()
                .statusCode(200).extract().path("id");
        Api.as(staff).body(Map.of("phone", phone)).put("/api/v1/sms/citizens/" + citizenId + "/phone").then()
                .statusCode(200);
        Api.as(staff).body(Map.of("policy", "sms")).put("/api/v1/conversations/" + conversation + "/channel-policy")
                .then().statusCode(200);
        World.send(staff, conversation, marker);
        Thread.sleep(1500); // the SMS relay runs every 300 ms in tests
        try (WsClient socket = WsClient.connect(citizen)) {
            socket.send(
                    Map.of("type", "send", "conversationId", conversation, "clientMessageId", "ws-1", "body", marker));
            socket.await("ack");
            socket.sendRaw("{\"type\":\"send\",\"body\":\"" + marker + "\"");
            socket.await("error");
        }

        Thread.sleep(2500); // the push of the staff message goes out after the grace period (1 s in tests)

        Path log = Path.of("target/test-service.log");
        assertTrue(Files.exists(log), "the test profile writes the service log to " + log);
        String text = Files.readString(log);
        assertTrue(text.contains("/api/v1/conversations/" + conversation), "the log did capture this test's requests");
        // refused WebSocket upgrades (bad tokens) are answered once, quietly: no error a stranger can flood
        assertFalse(text.contains("Response has already been written"), "a refused request was answered twice");
        for (String secret : List.of(marker, cpr, phone, phone.substring(1), pushToken, Api.CPR_A, Api.CPR_B,
                Api.CPR_OTHER_TENANT, citizen,
                citizen.substring(citizen.lastIndexOf('.') + 1), staff.substring(staff.lastIndexOf('.') + 1))) {
            assertFalse(text.contains(secret), "the service log contains a secret value: "
                    + secret.substring(0, Math.min(12, secret.length())) + "…");
        }
    }
}
