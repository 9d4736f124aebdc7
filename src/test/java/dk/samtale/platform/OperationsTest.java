package dk.samtale.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/** Probes, metrics and the published contracts, as operators and client authors use them. */
@QuarkusTest
class OperationsTest {

    @Test
    void readinessCoversTheDatabaseAndTheFanoutListener() {
        Api.anonymous().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("fanout"));
        Api.anonymous().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsCountMessagesAndOpenSockets() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        try (WsClient socket = WsClient.connect(World.staffX())) {
            World.send(World.citizenA(), conversation, "til metrikken");
            socket.await("message");
            given().get("/q/metrics").then().statusCode(200)
                    .body(containsString("samtale_messages_stored_total"))
                    .body(containsString("samtale_sockets_open"))
                    .body(containsString("samtale_messages_delivered_total"))
                    .body(containsString("samtale_delivery_lag_seconds"));
        }
    }

    @Test
    void everyRequestCarriesAnIdThatIsEchoedForSupport() {
        Api.as(World.citizenA()).header("X-Request-Id", "support-case-42").get("/api/v1/me").then().statusCode(200)
                .header("X-Request-Id", equalTo("support-case-42"));
        Api.as(World.citizenA()).header("X-Request-Id", "not a sane id; drop table").get("/api/v1/me").then()
                .statusCode(200).header("X-Request-Id", org.hamcrest.Matchers.matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void theContractsAreServedForClientAuthors() {
        given().get("/openapi/openapi.yaml").then().statusCode(200).body(containsString("openapi: 3.0.3"));
        given().get("/openapi/asyncapi.yaml").then().statusCode(200).body(containsString("asyncapi: 3.0.0"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/conversations"));
    }
}
