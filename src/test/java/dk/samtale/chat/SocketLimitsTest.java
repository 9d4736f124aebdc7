package dk.samtale.chat;

import static dk.samtale.chat.SocketAssertions.history;
import static dk.samtale.chat.SocketAssertions.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/** The socket's limits: frame rate, frame size, token lifetime, and who may open it at all. */
@QuarkusTest
class SocketLimitsTest {

    @Test
    void floodingIsAnsweredWithRateLimitedForEachDroppedFrameAndTheSocketRecovers() throws Exception {
        // a caller of its own: the limit is per caller, and other tests must not share its bucket
        try (WsClient ws = WsClient.connect(freshCaller())) {
            Set<String> sent = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                String id = "flood-" + i;
                sent.add(id);
                ws.send(Map.of("type", "ping", "id", id));
            }
            // every frame is answered exactly once: a pong, or an error saying it was dropped
            Set<String> answered = new HashSet<>();
            List<JsonNode> limited = new ArrayList<>();
            int pongs = 0;
            for (int i = 0; i < 100; i++) {
                JsonNode f = next(ws);
                String ref = f.path("ref").asText();
                assertTrue(answered.add(ref), () -> "a second answer for " + ref + ": " + f);
                if ("pong".equals(f.path("type").asText())) {
                    pongs++;
                } else {
                    assertEquals("error", f.path("type").asText(), () -> "unexpected frame " + f);
                    assertEquals("rate-limited", f.path("code").asText());
                    assertTrue(f.path("retryAfterSeconds").asInt() >= 1, () -> "retryAfterSeconds < 1 in " + f);
                    limited.add(f);
                }
            }
            assertEquals(sent, answered, "the refs of the answers are the ids of the frames sent");
            assertFalse(limited.isEmpty(), "100 frames at once were not rate limited");
            assertTrue(pongs >= 60, () -> "the burst of 60 was not honoured: only " + (100 - limited.size()));
            assertFalse(ws.isClosed(), "the socket was closed after a short burst");

            Thread.sleep(2500);
            ws.send(Map.of("type", "ping", "id", "after-pause"));
            JsonNode pong = next(ws);
            assertEquals("pong", pong.path("type").asText(), () -> "expected a pong, got " + pong);
            assertEquals("after-pause", pong.path("ref").asText());
        }
    }

    @Test
    void oneCallerOnSeveralSocketsIsLimitedInTotal() throws Exception {
        // issue 14 item 3: the limit was per socket, so one user on 8 sockets stored 188 msg/s
        String caller = Tokens.staff("testby", "sockets-" + UUID.randomUUID(), "Mads Mange", "unit-x");
        List<WsClient> sockets = new ArrayList<>();
        try {
            for (int s = 0; s < 4; s++) {
                sockets.add(WsClient.connect(caller));
            }
            // 40 frames per socket: under the burst of 60 for any one socket, 160 for the caller
            for (int i = 0; i < 40; i++) {
                for (int s = 0; s < sockets.size(); s++) {
                    sockets.get(s).send(Map.of("type", "ping", "id", "s" + s + "-" + i));
                }
            }
            int pongs = 0;
            int limited = 0;
            for (WsClient ws : sockets) {
                for (int i = 0; i < 40; i++) {
                    JsonNode f = next(ws);
                    if ("pong".equals(f.path("type").asText())) {
                        pongs++;
                    } else {
                        assertEquals("rate-limited", f.path("code").asText(), () -> "unexpected frame " + f);
                        assertTrue(f.path("retryAfterSeconds").asInt() >= 1, () -> "no retry hint in " + f);
                        limited++;
                    }
                }
            }
            final int answered = pongs;
            assertTrue(limited > 0, () -> "160 frames at once over 4 sockets of one caller were not limited");
            // at least the caller's burst; the rest is what refilled while the frames arrived
            assertTrue(pongs >= 60, () -> "the burst of 60 was not honoured: " + answered + " pongs");
        } finally {
            sockets.forEach(WsClient::close);
        }
        // another caller is not limited by this one
        try (WsClient other = WsClient.connect(World.staffX2())) {
            other.send(Map.of("type", "ping", "id", "other"));
            assertEquals("pong", next(other).path("type").asText());
        }
    }

    @Test
    void aSendDroppedByTheRateLimitIsNotStoredAndCanBeRetriedWithTheSameClientMessageId() throws Exception {
        String citizen = Tokens.citizen("testby", dk.samtale.testing.People.adultCpr(),
                "Frede Flod");
        String conversation = World.openConversation(citizen, World.UNIT_X);
        try (WsClient ws = WsClient.connect(citizen)) {
            // well over the burst of 60, yet far from the 200 refusals that close the socket
            for (int i = 0; i < 120; i++) {
                ws.send(Map.of("type", "ping", "id", "burn-" + i));
            }
            String clientMessageId = UUID.randomUUID().toString();
            ws.send(SocketAssertions.send("dropped-send", conversation, clientMessageId, "kommer igennem senere"));
            JsonNode dropped = ws.await(f -> "dropped-send".equals(f.path("ref").asText()), "answer to dropped-send");
            assertEquals("error", dropped.path("type").asText(), () -> "the send was not dropped: " + dropped);
            assertEquals("rate-limited", dropped.path("code").asText());
            assertEquals(0, history(citizen, conversation).size());

            Thread.sleep(1000L * Math.max(1, dropped.path("retryAfterSeconds").asInt()) + 500);
            ws.send(SocketAssertions.send("retried-send", conversation, clientMessageId, "kommer igennem senere"));
            JsonNode ack = ws.await(f -> "retried-send".equals(f.path("ref").asText()), "answer to retried-send");
            assertEquals("ack", ack.path("type").asText(), () -> "the retry was not acknowledged: " + ack);
            assertEquals(1, ack.path("seq").asLong());
        }
        assertEquals(1, history(citizen, conversation).size());
    }

    @Test
    void persistentFloodingClosesTheSocketWith1008() throws Exception {
        try (WsClient ws = WsClient.connect(freshCaller())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int sent = 0;
            // a client that ignores rate-limited errors and keeps sending ~200 frames per second
            while (sent < 2000 && System.nanoTime() < deadline && !ws.isClosed()) {
                try {
                    ws.sendRaw("{\"type\":\"ping\",\"id\":\"f-" + sent + "\"}");
                } catch (RuntimeException e) {
                    break; // the server closed the socket under us
                }
                sent++;
                if (sent % 10 == 0) {
                    Thread.sleep(50);
                }
            }
            final int frames = sent;
            assertEquals(1008, ws.awaitClose(), () -> "close code after " + frames + " frames");
        }
    }

    @Test
    void aFrameOver64KibClosesTheConnectionWith1009() {
        String padding = "x".repeat(70_000);
        String frame = "{\"type\":\"ping\",\"id\":\"big\",\"padding\":\"" + padding + "\"}";
        // as browsers do: one single WebSocket frame
        try (WsClient ws = WsClient.connectSendingFramesUpTo(World.citizenA(), 256 * 1024)) {
            ws.sendRaw(frame);
            assertEquals(1009, ws.awaitClose());
            ws.drain().forEach(f -> assertFalse("pong".equals(f.path("type").asText()), "the big frame was handled"));
        }
        // the same message fragmented into continuation frames of at most 64 KiB
        try (WsClient ws = WsClient.connect(World.citizenA())) {
            ws.sendRaw(frame);
            assertEquals(1009, ws.awaitClose());
            ws.drain().forEach(f -> assertFalse("pong".equals(f.path("type").asText()), "the big frame was handled"));
        }
    }

    @Test
    void aFrameOfJustUnder64KibIsAccepted() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String frame = "{\"type\":\"ping\",\"id\":\"almost-big\",\"padding\":\"";
        String end = "\"}";
        String padding = "x".repeat(65_536 - frame.length() - end.length());
        try (WsClient ws = WsClient.connectSendingFramesUpTo(World.citizenA(), 256 * 1024)) {
            ws.sendRaw(frame + padding + end);
            JsonNode pong = next(ws);
            assertEquals("pong", pong.path("type").asText(), () -> "expected a pong, got " + pong);
            SocketAssertions.assertStillUsable(ws, conversation);
        }
    }

    @Test
    void theServerClosesWith4001WhenTheTokenExpires() {
        // the first socket of a cold service (citizen registered, keys loaded) can take seconds on a busy machine
        WsClient.connect(World.citizenA()).close();
        Instant expiry = Instant.now().plusSeconds(4);
        String token = Tokens.citizenBuilder("testby", Api.CPR_A, "Anna Andersen", Tokens.SUBSTANTIAL)
                .expiresAt(expiry).sign("citizen-testby");
        try (WsClient ws = WsClient.connect(token)) {
            ws.send(Map.of("type", "ping", "id", "before-expiry"));
            assertEquals("before-expiry", ws.await("pong").path("ref").asText());
            assertEquals(4001, ws.awaitClose());
            // at the token's expiry, not at once (the clock skew allowed at the upgrade does not extend it)
            Instant closedAt = Instant.now();
            assertTrue(closedAt.isAfter(expiry.minusSeconds(1)), () -> "closed at " + closedAt + ", expiry " + expiry);
            assertTrue(closedAt.isBefore(expiry.plusSeconds(5)), () -> "closed at " + closedAt + ", expiry " + expiry);
        }
    }

    @Test
    void anUpgradeWithoutATokenIsRefusedWith401() {
        assertEquals(401, WsClient.upgradeStatus(WsClient.options()));
        assertEquals(401, WsClient.upgradeStatus(WsClient.options().addHeader("Authorization", "Bearer")));
        assertEquals(401, WsClient.upgradeStatus(WsClient.options().addHeader("Authorization", "Bearer not-a-jwt")));
    }

    @Test
    void aTokenInTheUrlIsNotAcceptedNorLogged() throws Exception {
        String token = World.citizenA();
        for (String query : List.of("access_token", "token", "bearer", "jwt")) {
            assertEquals(401, WsClient.upgradeStatus(WsClient.options().setURI("/api/v1/chat?" + query + "=" + token)),
                    query);
        }
        Thread.sleep(300); // the access log line is written when the response has ended
        Path log = Path.of("target/test-service.log");
        assertTrue(Files.exists(log), "the test profile writes the service log to " + log);
        assertFalse(Files.readString(log).contains(token.substring(token.lastIndexOf('.') + 1)),
                "the service log holds a token that came in a URL");
    }

    @Test
    void anExpiredOrUntrustedTokenIsRefusedWith401() {
        String expired = Tokens.citizenBuilder("testby", Api.CPR_A, "Anna Andersen", Tokens.SUBSTANTIAL)
                .expiresAt(Instant.now().minusSeconds(120)).sign("citizen-testby");
        String rogue = Tokens.citizenBuilder("testby", Api.CPR_A, "Anna Andersen", Tokens.SUBSTANTIAL)
                .sign("rogue", "citizen-testby");
        String unsigned = Tokens.citizenBuilder("testby", Api.CPR_A, "Anna Andersen", Tokens.SUBSTANTIAL).unsigned();
        String lowAssurance = Tokens.citizenBuilder("testby", Api.CPR_A, "Anna Andersen", Tokens.LOW)
                .sign("citizen-testby");
        String wrongAudience = Tokens.citizenBuilder("testby", Api.CPR_A, "Anna Andersen", Tokens.SUBSTANTIAL)
                .audience("someone-else").sign("citizen-testby");
        Map<String, String> refused = Map.of("expired", expired, "rogue-signed", rogue, "alg none", unsigned,
                "low assurance", lowAssurance, "wrong audience", wrongAudience);
        refused.forEach((what, token) -> {
            assertEquals(401, WsClient.upgradeStatus(
                    WsClient.options().addHeader("Authorization", "Bearer " + token)), what + " (header)");
            assertEquals(401, WsClient.upgradeStatus(WsClient.options().setSubProtocols(List.of(
                    "bearer-token-carrier", "quarkus-http-upgrade#Authorization#"
                            + URLEncoder.encode("Bearer " + token, StandardCharsets.UTF_8).replace("+", "%20")))),
                    what + " (subprotocol)");
        });
    }

    @Test
    void aServiceTokenIsRefusedWith403BeforeTheUpgrade() {
        // a 101 then close 1000 would read as a normal closure: the client could not tell it was refused
        String service = Tokens.service("testby", "case-system", "journal-reader");
        assertEquals(403, WsClient.upgradeStatus(WsClient.options().addHeader("Authorization", "Bearer " + service)));
        assertEquals(403, WsClient.upgradeStatus(WsClient.browserOptions(service)));
    }

    @Test
    void aValidTokenOfATenantThatDoesNotExistYetIsRefusedWith401() {
        String orphan = Tokens.citizen("nyby", "0505055555", "Nina Ny");
        assertEquals(401, WsClient.upgradeStatus(WsClient.options().addHeader("Authorization", "Bearer " + orphan)));
        Api.as(orphan).get("/api/v1/me").then().statusCode(401).contentType("application/problem+json")
                .body("code", org.hamcrest.Matchers.equalTo("unauthorized"));
    }

    private static String freshCaller() {
        return Tokens.staff("testby", "flood-" + UUID.randomUUID(), "Flemming Flod", "unit-x");
    }
}
