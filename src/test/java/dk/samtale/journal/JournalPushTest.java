package dk.samtale.journal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dk.samtale.journal.JournalFixture.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.journal.http.HttpCaseJournal;
import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/** The push adapter and its relay against a fake case system (WireMock), on tenant andenby. */
@QuarkusTest
class JournalPushTest {

    private static final UUID ANDENBY = UUID.fromString("00000000-0000-7000-8000-000000000002");
    private static WireMockServer caseSystem;

    @Inject
    AgroalDataSource db;
    @Inject
    JournalRelay relay;

    @BeforeAll
    static void start() {
        caseSystem = new WireMockServer(options().dynamicPort());
        caseSystem.start();
    }

    /** andenby is shared with other tests: it goes back to pull only. */
    @AfterEach
    void pullOnly() {
        Map<String, Object> off = new HashMap<>();
        off.put("pushUrl", null);
        Api.as(admin()).body(off).put("/api/v1/admin/journal/settings").then().statusCode(200);
    }

    @AfterAll
    static void stop() {
        caseSystem.stop();
    }

    private static String admin() {
        return Tokens.service("andenby", "ops", "admin");
    }

    private static void pushTo(String path) {
        Map<String, Object> s = new HashMap<>();
        s.put("pushUrl", caseSystem.baseUrl() + path);
        Api.as(admin()).body(s).put("/api/v1/admin/journal/settings").then().statusCode(200);
    }

    private static List<String> sendMessages(int n) {
        String id = World.openConversation(World.citizenOfAndenby(), World.UNIT_Z);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(Api.as(World.citizenOfAndenby())
                    .body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", "push " + i))
                    .post("/api/v1/conversations/" + id + "/messages").then().statusCode(201).extract()
                    .path("messageId"));
        }
        return ids;
    }

    private List<UUID> entryIds(List<String> messageIds) {
        List<UUID> ids = new ArrayList<>();
        await(() -> {
            ids.clear();
            for (String m : messageIds) {
                String found = single("SELECT id::text FROM journal_entry WHERE message_id = ?", UUID.fromString(m));
                if (found != null) {
                    ids.add(UUID.fromString(found));
                }
            }
            return ids.size() == messageIds.size();
        }, "entries");
        return ids;
    }

    private String single(String sql, Object arg) {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String state(UUID entryId) {
        return single("SELECT state FROM journal_delivery WHERE entry_id = ?", entryId);
    }

    @Test
    void aRelayKilledBetweenPostingAndRecordingLosesNothingAndRepeatsOnlyWithTheSameKey() {
        caseSystem.stubFor(post(urlEqualTo("/slow")).willReturn(aResponse().withStatus(201).withFixedDelay(1200)));
        pushTo("/slow");
        List<UUID> entries = entryIds(sendMessages(6));
        // wait until the relay has leased (read) deliveries and posted them, then kill it before it records
        await(() -> caseSystem.getAllServeEvents().stream().anyMatch(e -> e.getRequest().getUrl().equals("/slow")),
                "the first push to arrive");
        relay.halt();
        try {
            Thread.sleep(1500); // the posts in flight complete at the receiver; their outcomes are lost
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        relay.resume(); // "after restart": leases run out (2 s in tests) and the entries are posted again
        await(() -> entries.stream().allMatch(e -> "delivered".equals(state(e))), "every entry delivered");

        Map<String, Set<String>> bodiesByKey = new HashMap<>();
        int received = 0;
        for (ServeEvent e : caseSystem.getAllServeEvents()) {
            if (!e.getRequest().getUrl().equals("/slow")) {
                continue;
            }
            received++;
            String key = e.getRequest().getHeader(HttpCaseJournal.IDEMPOTENCY_KEY);
            String body = e.getRequest().getBodyAsString();
            assertEquals(key, JournalCodec.item(body).id().toString(), "the key is the entry's id");
            bodiesByKey.computeIfAbsent(key, k -> new HashSet<>()).add(body);
        }
        for (UUID e : entries) {
            assertTrue(bodiesByKey.containsKey(e.toString()), "entry " + e + " reached the case system");
        }
        bodiesByKey.values().forEach(bodies -> assertEquals(1, bodies.size(), "a repeat is the same entry"));
        assertTrue(received > bodiesByKey.size(), "the killed relay's posts were repeated (" + received + ")");
    }

    @Test
    void aDeliveryThatKeepsFailingBecomesADeadLetterThatAnAdminReplays() {
        caseSystem.stubFor(post(urlEqualTo("/down")).willReturn(aResponse().withStatus(503).withHeader("Retry-After",
                "0")));
        pushTo("/down");
        UUID entry = entryIds(sendMessages(1)).get(0);
        await(() -> "dead".equals(state(entry)), "a dead letter");
        Api.as(admin()).get("/api/v1/admin/journal/dead-letters").then().statusCode(200)
                .body("items.find { it.entryId == '" + entry + "' }.attempts", equalTo(3))
                .body("items.find { it.entryId == '" + entry + "' }.lastStatus", equalTo(503));
        // another tenant's admin cannot replay it
        Api.as(Tokens.service("journalby", "ops", "admin")).post("/api/v1/admin/journal/dead-letters/" + entry
                + "/replay").then().statusCode(404);
        Api.as(Tokens.service("andenby", "acadre", "journal-reader"))
                .get("/api/v1/admin/journal/dead-letters").then().statusCode(403);

        caseSystem.stubFor(post(urlEqualTo("/up")).willReturn(aResponse().withStatus(200)));
        pushTo("/up");
        Api.as(admin()).post("/api/v1/admin/journal/dead-letters/" + entry + "/replay").then().statusCode(202);
        await(() -> "delivered".equals(state(entry)), "the replayed entry delivered");
        assertTrue(caseSystem.getAllServeEvents().stream().anyMatch(e -> e.getRequest().getUrl().equals("/up")
                && entry.toString().equals(e.getRequest().getHeader(HttpCaseJournal.IDEMPOTENCY_KEY))));
    }

    @Test
    void aCaseSystemBehindClientCredentialsGetsEveryEntryWithOneReusedToken() throws Exception {
        // the tenant's client secret is a mounted file named in configuration (application.properties, %test)
        java.nio.file.Path secret = java.nio.file.Path.of("target/test-journal/andenby-client-secret");
        java.nio.file.Files.createDirectories(secret.getParent());
        java.nio.file.Files.writeString(secret, "andenby-secret\n");
        caseSystem.stubFor(post(urlEqualTo("/oauth/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"tok-andenby\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
        caseSystem.stubFor(post(urlEqualTo("/secured")).withHeader("Authorization",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer tok-andenby"))
                .willReturn(aResponse().withStatus(201)));
        Map<String, Object> s = new HashMap<>();
        s.put("pushUrl", caseSystem.baseUrl() + "/secured");
        s.put("auth", "client-credentials");
        s.put("tokenUrl", caseSystem.baseUrl() + "/oauth/token");
        s.put("clientId", "samtale-andenby");
        Api.as(admin()).body(s).put("/api/v1/admin/journal/settings").then().statusCode(200)
                .body("auth", equalTo("client-credentials")).body("clientId", equalTo("samtale-andenby"));
        int tokensBefore = caseSystem.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlEqualTo("/oauth/token"))).size();
        List<UUID> entries = entryIds(sendMessages(3));
        await(() -> entries.stream().allMatch(e -> "delivered".equals(state(e))), "every entry delivered");
        int tokens = caseSystem.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlEqualTo("/oauth/token"))).size() - tokensBefore;
        assertTrue(tokens <= 1, "one token for all entries (" + tokens + ")");
        String log = java.nio.file.Files.readString(java.nio.file.Path.of("target/test-service.log"));
        assertTrue(!log.contains("andenby-secret") && !log.contains("tok-andenby"), "no secret or token in the log");
    }

    @Test
    void anAdminCannotPointThePushOrTheTokenRequestIntoTheServicesOwnNetwork() {
        // the test profile allows plain http and 127.0.0.1 (WireMock); everything else is refused
        for (String url : List.of("https://127.0.0.2/journal", "https://[::2]/journal",
                "https://169.254.169.254/latest",
                "https://10.0.0.5/journal", "https://192.168.0.10/", "https://localhost.:1@example.org/",
                "ftp://example.org/")) {
            Map<String, Object> s = new HashMap<>();
            s.put("pushUrl", url);
            Api.as(admin()).body(s).put("/api/v1/admin/journal/settings").then().statusCode(400)
                    .body("code", equalTo("invalid-field")).body("errors[0].field", equalTo("pushUrl"));
        }
        Map<String, Object> token = new HashMap<>();
        token.put("pushUrl", caseSystem.baseUrl() + "/x");
        token.put("auth", "client-credentials");
        token.put("clientId", "c");
        token.put("tokenUrl", "https://169.254.169.254/token");
        Api.as(admin()).body(token).put("/api/v1/admin/journal/settings").then().statusCode(400)
                .body("errors[0].field", equalTo("tokenUrl"));
        // mutual TLS needs the tenant's certificate mounted by the operator: andenby has none
        Map<String, Object> mtls = new HashMap<>();
        mtls.put("pushUrl", caseSystem.baseUrl() + "/x");
        mtls.put("auth", "mutual-tls");
        Api.as(admin()).body(mtls).put("/api/v1/admin/journal/settings").then().statusCode(400)
                .body("errors[0].field", equalTo("auth"));
    }
}
