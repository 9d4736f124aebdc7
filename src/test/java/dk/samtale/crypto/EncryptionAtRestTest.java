package dk.samtale.crypto;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * What a stolen dump, a backup or a curious DBA sees: no message text, CPR number or name in any column
 * of any table; ciphertexts that cannot be moved between rows; keys that rotate and can be destroyed.
 */
@QuarkusTest
class EncryptionAtRestTest {

    static final UUID TESTBY = UUID.fromString("00000000-0000-7000-8000-000000000001");

    @Inject
    Pool pool;

    @Inject
    KeyRing keys;

    @Inject
    ReencryptionJob job;

    @Inject
    ConversationKeys conversationKeys;

    @Inject
    @io.quarkus.reactive.datasource.ReactiveDataSource("keyvault")
    Pool vault;

    @Inject
    dk.samtale.conversation.SubjectSealing sealing;

    @Test
    void aDumpOfEveryColumnOfEveryTableHoldsNoMessageTextCprOrName() {
        String marker = "HEMMELIGT-" + UUID.randomUUID();
        String cpr = dk.samtale.testing.People.adultCpr();
        String name = "Navnemarkør " + UUID.randomUUID();
        String citizen = Tokens.citizen("testby", cpr, name);
        String conversation = World.openConversation(citizen, World.UNIT_X);
        World.send(citizen, conversation, marker + " via REST");
        // issue 14 item 7: citizens type names and CPR numbers into subjects
        String subjectCpr = "3" + String.format("%09d", (long) (Math.random() * 1_000_000_000L));
        String subjectMarker = "Emnemarkør" + UUID.randomUUID().toString().substring(0, 8);
        String subject = subjectMarker + " om mit CPR " + subjectCpr;
        String withSubject = Api.as(citizen).body(Map.of("unitId", World.UNIT_X, "subject", subject))
                .post("/api/v1/conversations").then().statusCode(201).body("subject", equalTo(subject)).extract()
                .path("id");
        Api.as(World.staffX()).get("/api/v1/conversations/" + withSubject).then().statusCode(200)
                .body("subject", equalTo(subject));
        // the inbox search still finds it by subject (opened and matched in memory, like names)
        Api.as(World.staffX()).get("/api/v1/conversations?q=" + subjectMarker).then().statusCode(200)
                .body("items.id", hasItem(withSubject));
        try (WsClient socket = WsClient.connect(citizen)) {
            socket.send(Map.of("type", "send", "conversationId", conversation, "clientMessageId", "enc-ws", "body",
                    marker + " via WebSocket"));
            socket.await("ack");
        }
        Api.as(World.staffX()).body(Map.of("cpr", cpr)).post("/api/v1/citizens/lookup").then().statusCode(200)
                .body("name", equalTo(name));
        // a staff correction (berigtigelse): its text and reason are sealed like bodies, also in the journal
        String staffMessage = Api.as(World.staffX())
                .body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", "Til rettelse"))
                .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(201).extract()
                .path("messageId");
        Api.as(World.staffX()).body(Map.of("body", marker + " rettet", "reason", marker + " begrundelse"))
                .put("/api/v1/conversations/" + conversation + "/messages/" + staffMessage + "/correction").then()
                .statusCode(200);
        // those allowed still read it all in clear
        Api.as(World.staffX()).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .body("items.body", hasItem(marker + " via WebSocket")).body("items[0].sender.name", equalTo(name))
                .body("items.body", hasItem(marker + " rettet"))
                .body("items.correction.reason", hasItem(marker + " begrundelse"));

        List<String> secrets = List.of(marker, cpr, name, subjectCpr, subjectMarker);
        List<String> tables = pool.query("""
                SELECT table_name FROM information_schema.tables
                WHERE table_schema = 'public' AND table_type = 'BASE TABLE'""").execute().await().indefinitely()
                .stream().map(r -> r.getString(0)).toList();
        assertTrue(
                tables.containsAll(List.of("message", "citizen", "conversation", "data_key", "flyway_schema_history")),
                "scanned " + tables);
        for (String table : tables) {
            for (var row : pool.query("SELECT t::text FROM \"" + table + "\" t").execute().await().indefinitely()) {
                String text = row.getString(0);
                for (String secret : secrets) {
                    assertFalse(text.contains(secret), table + " holds a secret in clear");
                    assertFalse(text.contains(HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8))),
                            table + " holds a secret as unencrypted bytes");
                }
            }
        }
    }

    @Test
    void subjectsWrittenBeforeTheyWereSealedAreReadableAndSealedAtStart() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        String old = "Gammelt emne " + UUID.randomUUID();
        // a row as V11 left it: the subject in clear, nothing sealed
        pool.preparedQuery("UPDATE conversation SET subject = $2, subject_enc = NULL WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(conversation), old)).await().indefinitely();
        Api.as(World.staffX()).get("/api/v1/conversations/" + conversation).then().statusCode(200)
                .body("subject", equalTo(old));

        assertTrue(sealing.sealAll().await().indefinitely() >= 1);
        assertEquals(0L, pool.query("SELECT count(*) FROM conversation WHERE subject IS NOT NULL").execute().await()
                .indefinitely().iterator().next().getLong(0), "no subject left in clear");
        assertFalse(pool.preparedQuery("SELECT t::text FROM conversation t WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(conversation))).await().indefinitely().iterator().next()
                .getString(0).contains(old), "the old subject is still in clear");
        Api.as(World.citizenA()).get("/api/v1/conversations/" + conversation).then().statusCode(200)
                .body("subject", equalTo(old));
    }

    @Test
    void ciphertextsSwappedBetweenRowsFailToDecryptAndTheRestIsStillServed() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        World.send(World.citizenA(), conversation, "en");
        World.send(World.citizenA(), conversation, "to");
        World.send(World.citizenA(), conversation, "tre");
        swap(conversation);
        try {
            JsonNode page = Api.as(World.staffX()).get("/api/v1/conversations/" + conversation + "/messages").then()
                    .statusCode(200).extract().as(JsonNode.class);
            for (int i = 0; i < 2; i++) {
                assertTrue(page.path("items").get(i).path("body").isNull());
                assertEquals("integrity-error", page.path("items").get(i).path("bodyError").asText());
            }
            assertEquals("tre", page.path("items").get(2).path("body").asText());
            assertTrue(page.path("items").get(2).path("bodyError").isNull());
            try (WsClient socket = WsClient.connect(World.staffX())) {
                socket.send(Map.of("type", "resume", "conversations",
                        List.of(Map.of("conversationId", conversation, "afterSeq", 0))));
                assertEquals("integrity-error", socket.await("message").path("message").path("bodyError").asText());
                assertEquals("integrity-error", socket.await("message").path("message").path("bodyError").asText());
                assertEquals("tre", socket.await("message").path("message").path("body").asText());
            }
        } finally {
            swap(conversation); // put them back, so later tests see only readable rows
        }
    }

    @Test
    void olderValuesMoveOntoTheirConversationsKeyAndARotationRewrapsTheKeysEvenAfterACrashHalfWay() {
        // as a conversation opened before conversations had keys: what is written seals under the tenant key.
        // The journal's consumer of this tenant waits meanwhile (its lock), so its "opened" entry is written
        // after the key is gone, as every entry of such a conversation was.
        io.vertx.mutiny.sqlclient.SqlConnection journalHeld = pool.getConnection().await().indefinitely();
        String conversation;
        try {
            io.vertx.mutiny.sqlclient.Transaction held = journalHeld.begin().await().indefinitely();
            journalHeld.preparedQuery("SELECT pg_advisory_xact_lock(x'45564c47'::int, hashtext($1))")
                    .execute(Tuple.of("journal:" + TESTBY)).await().indefinitely();
            conversation = World.openConversation(World.citizenA(), World.UNIT_X);
            conversationKeys.destroy(TESTBY, List.of(UUID.fromString(conversation))).await().indefinitely();
            held.commit().await().indefinitely();
        } finally {
            journalHeld.close().await().indefinitely();
        }
        UUID id = UUID.fromString(conversation);
        for (int i = 0; i < 3; i++) {
            World.send(World.citizenA(), conversation, "før rotation " + i);
        }
        int old = keys.tenant(TESTBY).await().indefinitely().activeKeyId();
        assertEquals(3L, count("SELECT count(*) FROM message WHERE conversation_id = $1 AND body_key = $2", id, old));
        int next = keys.rotate(TESTBY).await().indefinitely(); // no job started: we drive it by hand
        World.send(World.staffX(), conversation, "efter rotation");
        assertAllReadable(conversation, 4);
        // the conversation's other content under tenant keys too: a staff note, a correction, journal payloads
        Api.as(World.staffX()).body(Map.of("body", "note før nøgler")).post("/api/v1/conversations/" + conversation
                + "/notes").then().statusCode(201);
        String staffMessage = pool.preparedQuery("SELECT id::text FROM message WHERE conversation_id = $1 AND seq = 4")
                .execute(Tuple.of(id)).await().indefinitely().iterator().next().getString(0);
        Api.as(World.staffX()).body(Map.of("body", "rettet efter rotation", "reason", "stavefejl"))
                .put("/api/v1/conversations/" + conversation + "/messages/" + staffMessage + "/correction").then()
                .statusCode(200);
        dk.samtale.testing.Waiting.until(() -> count("SELECT count(*) FROM journal_entry WHERE conversation_id = $1",
                id) >= 6, "opened, 4 messages and the correction journaled");
        String underTenantKeys = """
                SELECT (SELECT count(*) FROM conversation_note WHERE conversation_id = $1 AND body_key <> 0)
                     + (SELECT count(*) FROM message_correction mc JOIN message m ON m.id = mc.message_id
                        WHERE m.conversation_id = $1 AND mc.data_key <> 0)
                     + (SELECT count(*) FROM journal_entry WHERE conversation_id = $1 AND payload_key <> 0)""";
        assertTrue(count(underTenantKeys, id) >= 1 + 1 + 6, "note, correction and journal payloads under tenant keys");

        long before = job.remaining(TESTBY).await().indefinitely();
        assertTrue(before >= 4, "messages under a tenant key: " + before);
        long moved = job.run(TESTBY, 2, 1).await().indefinitely(); // dies after one small batch
        assertTrue(moved <= 2);
        assertEquals(before - moved, job.remaining(TESTBY).await().indefinitely());
        assertTrue(job.remaining(TESTBY).await().indefinitely() > 0, "work was left half-way");

        job.run(TESTBY, ReencryptionJob.BATCH, Integer.MAX_VALUE).await().indefinitely(); // runs again: resumes
        assertEquals(0, job.remaining(TESTBY).await().indefinitely());
        assertEquals(0L, count("SELECT count(*) FROM message m JOIN conversation c ON c.id = m.conversation_id "
                + "WHERE c.tenant_id = $1 AND m.body_key <> 0", TESTBY), "every message under its conversation's key");
        assertEquals(0L, count("SELECT count(*) FROM citizen WHERE tenant_id = $1 AND (get_byte(cpr_enc, 1) << 24 "
                + "| get_byte(cpr_enc, 2) << 16 | get_byte(cpr_enc, 3) << 8 | get_byte(cpr_enc, 4)) <> $2", TESTBY,
                next), "no CPR still under an old key");
        // the job made the older conversation its key; every conversation key is wrapped by the new tenant key
        assertEquals(0L,
                vault.preparedQuery("SELECT count(*) FROM conversation_key WHERE tenant_id = $1 AND tenant_key <> $2")
                        .execute(Tuple.of(TESTBY, next)).await().indefinitely().iterator().next().getLong(0));
        assertEquals(1L, vault.preparedQuery("SELECT count(*) FROM conversation_key WHERE conversation_id = $1")
                .execute(Tuple.of(id)).await().indefinitely().iterator().next().getLong(0));
        assertEquals(0L, count(underTenantKeys, id), "note, correction and journal payloads moved by the features");
        assertAllReadable(conversation, 4);
        Api.as(World.staffX()).get("/api/v1/conversations/" + conversation + "/notes").then().statusCode(200)
                .body("items[0].body", org.hamcrest.Matchers.equalTo("note før nøgler"));
        JsonNode corrected = Api.as(World.staffX()).get("/api/v1/conversations/" + conversation + "/messages").then()
                .statusCode(200).extract().as(JsonNode.class).path("items").get(3);
        assertEquals("rettet efter rotation", corrected.path("body").asText());
        String reader = Tokens.service("testby", "sbsys", "journal-reader");
        Api.as(reader).get("/api/v1/journal/entries?after=0&limit=1000").then().statusCode(200);
    }

    @Test
    void adminsRotateThroughTheApiAndWatchTheJobFinish() throws InterruptedException {
        String admin = Tokens.service("testby", "ops", "admin");
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        World.send(World.citizenA(), conversation, "før");
        Api.as(admin).post("/api/v1/admin/keys/rotate").then().statusCode(202).body("kekId", org.hamcrest.Matchers
                .notNullValue());
        JsonNode status = null;
        for (int i = 0; i < 100; i++) { // bounded: 10 s
            status = Api.as(admin).get("/api/v1/admin/keys").then().statusCode(200).extract().as(JsonNode.class);
            if (!status.path("reencryption").path("running").asBoolean()
                    && status.path("reencryption").path("remainingMessages").asLong() == 0) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(0, status.path("reencryption").path("remainingMessages").asLong());
        List<Boolean> active = new ArrayList<>();
        status.path("keys").forEach(k -> {
            if (k.path("purpose").asText().equals("data")) {
                active.add(k.path("active").asBoolean());
            }
        });
        assertEquals(1, active.stream().filter(a -> a).count(), "exactly one active data key");
        assertTrue(active.size() >= 2, "old data keys are kept (readable)");
        assertAllReadable(conversation, 1);
    }

    @Test
    void shreddingMakesOneTenantsDataUnreadableForGoodAndLeavesOthersAlone() {
        String citizen = Tokens.citizen("slettetby", "0404044444", "Sigrid Slet");
        String staff = Tokens.staff("slettetby", "sune", "Sune Slet", "unit-s");
        String admin = Tokens.service("slettetby", "ops", "admin");
        String doomed = World.openConversation(citizen, World.UNIT_S);
        World.send(citizen, doomed, "snart ulæselig");
        String kept = World.openConversation(World.citizenA(), World.UNIT_X);
        World.send(World.citizenA(), kept, "uberørt");

        Api.as(admin).body(Map.of("confirm", "testby")).post("/api/v1/admin/keys/shred").then().statusCode(400)
                .body("code", equalTo("invalid-field"));
        Api.as(staff).get("/api/v1/conversations/" + doomed + "/messages").then().statusCode(200)
                .body("items[0].body", equalTo("snart ulæselig"));

        Api.as(admin).body(Map.of("confirm", "slettetby")).post("/api/v1/admin/keys/shred").then().statusCode(200)
                .body("destroyedKeys", org.hamcrest.Matchers.greaterThanOrEqualTo(2));
        Api.as(staff).get("/api/v1/conversations/" + doomed + "/messages").then().statusCode(200)
                .body("items[0].body", org.hamcrest.Matchers.nullValue())
                .body("items[0].bodyError", equalTo("key-destroyed"));
        Api.as(staff).get("/api/v1/conversations/" + doomed).then().statusCode(200)
                .body("citizen.name", org.hamcrest.Matchers.nullValue());
        // the other tenant is untouched, and the shredded one carries on under new keys
        Api.as(World.staffX()).get("/api/v1/conversations/" + kept + "/messages").then().statusCode(200)
                .body("items[0].body", equalTo("uberørt"));
        World.send(staff, doomed, "nye nøgler");
        Api.as(staff).get("/api/v1/conversations/" + doomed + "/messages").then().statusCode(200)
                .body("items[1].body", equalTo("nye nøgler"));
    }

    @Test
    void keyOperationsAreForAdminsOfTheirOwnTenantOnly() {
        Api.as(World.staffX()).get("/api/v1/admin/keys").then().statusCode(403).body("code", equalTo("forbidden"));
        Api.as(Tokens.service("testby", "case-system", "journal-reader")).post("/api/v1/admin/keys/rotate").then()
                .statusCode(403);
        Api.anonymous().post("/api/v1/admin/keys/shred").then().statusCode(401);
        Api.as(Tokens.service("testby", "ops", "admin")).get("/api/v1/admin/keys").then().statusCode(200)
                .body("keys.purpose", hasItem("index"));
    }

    private void assertAllReadable(String conversation, int expected) {
        JsonNode page = Api.as(World.staffX()).get("/api/v1/conversations/" + conversation + "/messages").then()
                .statusCode(200).extract().as(JsonNode.class);
        assertEquals(expected, page.path("items").size());
        page.path("items").forEach(m -> {
            assertNull(m.path("bodyError").textValue(), "readable: " + m.path("seq"));
            assertFalse(m.path("body").asText().isEmpty());
        });
    }

    private void swap(String conversation) {
        pool.preparedQuery("""
                UPDATE message m SET body_enc = o.body_enc FROM message o
                WHERE m.conversation_id = $1 AND o.conversation_id = $1
                  AND ((m.seq = 1 AND o.seq = 2) OR (m.seq = 2 AND o.seq = 1))""")
                .execute(Tuple.of(UUID.fromString(conversation))).await().indefinitely();
    }

    private long count(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(args)).await().indefinitely().iterator().next().getLong(0);
    }
}
