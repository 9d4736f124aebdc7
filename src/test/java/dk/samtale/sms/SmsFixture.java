package dk.samtale.sms;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.restassured.path.json.JsonPath;

import dk.samtale.testing.Api;
import dk.samtale.testing.SmsGatewayFake;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/** A citizen with a verified number, conversations with SMS policies, the fake gateway and signed webhooks. */
final class SmsFixture {

    static final ZoneId COPENHAGEN = ZoneId.of("Europe/Copenhagen");
    static final String MTSMS = "/rest/mtsms";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SmsFixture() {
    }

    /** A new citizen of testby: token, id, CPR, name and a verified phone number. */
    record Citizen(String token, String id, String cpr, String name, String phone) {
        String msisdn() {
            return phone.substring(1);
        }
    }

    static Citizen citizenWithPhone() {
        Citizen c = citizenWithoutPhone();
        // only staff of a unit that talks with the citizen may set the number
        World.openConversation(c.token(), World.UNIT_X);
        Api.as(World.staffX()).body(Map.of("phone", c.phone())).put(phoneOf(c.id())).then().statusCode(200);
        return c;
    }

    static Citizen citizenWithoutPhone() {
        String cpr = dk.samtale.testing.People.adultCpr();
        String name = "Sms Borger " + UUID.randomUUID().toString().substring(0, 6);
        String token = Tokens.citizen("testby", cpr, name);
        String id = Api.as(World.staffX()).body(Map.of("cpr", cpr)).post("/api/v1/citizens/lookup").then()
                .statusCode(200).extract().path("id");
        String phone = "+452" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
        return new Citizen(token, id, cpr, name, phone);
    }

    static String phoneOf(String citizenId) {
        return "/api/v1/sms/citizens/" + citizenId + "/phone";
    }

    static String conversation(Citizen c, String policy) {
        String id = World.openConversation(c.token(), World.UNIT_X);
        if (!policy.equals("app")) {
            Api.as(World.staffX()).body(Map.of("policy", policy)).put("/api/v1/conversations/" + id + "/channel-policy")
                    .then().statusCode(200);
        }
        return id;
    }

    /**
     * Sends as staff X; returns the message id once the SMS feature has taken the message's event from the
     * log (its notice, if any, is queued by then).
     */
    static String staffSends(String conversationId, String body, boolean smsAllowed) {
        String id = Api.as(World.staffX())
                .body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body, "smsAllowed", smsAllowed))
                .post("/api/v1/conversations/" + conversationId + "/messages").then().statusCode(201).extract()
                .path("messageId");
        dk.samtale.testing.EventLogs.awaitPassed("sms", id);
        return id;
    }

    /** The message as this caller sees it in the conversation's first page. */
    static JsonPath message(String token, String conversationId, String messageId) {
        JsonPath page = Api.as(token).get("/api/v1/conversations/" + conversationId + "/messages?limit=200").then()
                .statusCode(200).extract().jsonPath();
        List<Map<String, Object>> items = page.getList("items");
        for (Map<String, Object> m : items) {
            if (messageId.equals(m.get("id"))) {
                return new JsonPath(toJson(m));
            }
        }
        return fail("message " + messageId + " not in the page");
    }

    static String smsState(String conversationId, String messageId) {
        return message(World.staffX(), conversationId, messageId).getString("smsState");
    }

    static WireMockServer gateway() {
        return SmsGatewayFake.server();
    }

    /** The gateway answers every SMS with a new id. */
    static void gatewayAccepts() {
        gateway().stubFor(post(urlEqualTo(MTSMS)).atPriority(10)
                .willReturn(okJson("{\"ids\":[" + ThreadLocalRandom.current().nextLong(1, 1L << 40) + "]}")));
    }

    /** What the gateway received for this number. */
    static List<JsonNode> sentTo(String msisdn) {
        List<LoggedRequest> requests = gateway().findAll(postRequestedFor(urlEqualTo(MTSMS))
                .withRequestBody(matchingJsonPath("$.recipients[0].msisdn", equalTo(msisdn))));
        return requests.stream().map(r -> read(r.getBodyAsString())).toList();
    }

    static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs relay passes until the condition holds (or fails after 10 s). */
    static void until(NoticeRelay relay, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            relay.runOnce().await().atMost(Duration.ofSeconds(10));
            if (condition.getAsBoolean()) {
                return;
            }
            sleep(100);
        }
        fail("not within 10 s: " + what);
    }

    /** Runs relay passes for a while (for asserting that nothing happens). */
    static void passes(NoticeRelay relay, int n) {
        for (int i = 0; i < n; i++) {
            relay.runOnce().await().atMost(Duration.ofSeconds(10));
            sleep(50);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * testby's quiet hours: tests that do not move the clock switch them off (start = end), so they
     * pass at any hour; tests of quiet hours move the clock instead. Put back with 21:00–08:00.
     */
    static void quietHours(io.vertx.mutiny.sqlclient.Pool pool, String start, String end) {
        pool.preparedQuery("UPDATE sms_tenant SET quiet_start = $1, quiet_end = $2 "
                + "WHERE tenant_id = '00000000-0000-7000-8000-000000000001'")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(LocalTime.parse(start), LocalTime.parse(end))).await()
                .atMost(Duration.ofSeconds(5));
    }

    /** Tomorrow (Copenhagen) at this local time, so tests do not depend on when the suite runs. */
    static Instant tomorrowAt(LocalTime time) {
        return LocalDate.now(COPENHAGEN).plusDays(1).atTime(time).atZone(COPENHAGEN).toInstant();
    }

    /** A webhook signature as GatewayAPI makes it: HS256 with the shared secret. */
    static String signature(String secret, Instant issuedAt, Map<String, Object> claims) {
        try {
            JwtClaims c = new JwtClaims();
            c.setIssuedAt(org.jose4j.jwt.NumericDate.fromSeconds(issuedAt.getEpochSecond()));
            c.setJwtId(UUID.randomUUID().toString());
            claims.forEach(c::setClaim);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(c.toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            jws.setKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
            jws.setDoKeyValidation(false);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signed now by the service's (test) clock. */
    static String signature(java.time.Clock now, Map<String, Object> claims) {
        return signature(SmsGatewayFake.WEBHOOK_SECRET, now.instant(), claims);
    }

    static io.restassured.response.ValidatableResponse deliveryReport(String token, Map<String, Object> report) {
        var spec = Api.anonymous().body(report);
        if (token != null) {
            spec = spec.header("X-Gwapi-Signature", token);
        }
        return spec.post("/api/v1/sms/gatewayapi/delivery-reports").then();
    }

    static io.restassured.response.ValidatableResponse incoming(String token, Map<String, Object> sms) {
        var spec = Api.anonymous().body(sms);
        if (token != null) {
            spec = spec.header("X-Gwapi-Signature", token);
        }
        return spec.post("/api/v1/sms/gatewayapi/incoming").then();
    }

    /** A delivery report signed as GatewayAPI signs it: its fields are the token's claims. */
    static io.restassured.response.ValidatableResponse deliveryReport(java.time.Clock now, Map<String, Object> report) {
        return deliveryReport(signature(now, report), report);
    }

    /**
     * Other texts for the same signature bytes, as an attacker makes them from a captured token: a
     * trailing "=", the other unused low bits of the last character, and "+" "/" for "-" "_".
     */
    static java.util.List<String> reEncodings(String token) {
        int dot = token.lastIndexOf('.');
        String head = token.substring(0, dot + 1);
        String sig = token.substring(dot + 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        java.util.List<String> out = new java.util.ArrayList<>();
        out.add(head + sig + "=");
        int last = alphabet.indexOf(sig.charAt(sig.length() - 1));
        for (int bits = 1; bits < 4; bits++) { // 32 bytes in 43 characters: 2 unused bits at the end
            out.add(head + sig.substring(0, sig.length() - 1) + alphabet.charAt(last ^ bits));
        }
        out.add(head + sig.replace('-', '+').replace('_', '/') + (sig.contains("-") || sig.contains("_") ? "" : "="));
        return out;
    }

    static Map<String, Object> dlr(long gatewayId, String userref, String status) {
        return Map.of("id", gatewayId, "msisdn", 4512345678L, "time", Instant.now().getEpochSecond(), "status",
                status, "userref", userref);
    }
}
