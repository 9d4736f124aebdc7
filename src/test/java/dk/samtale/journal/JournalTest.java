package dk.samtale.journal;

import static dk.samtale.journal.JournalFixture.admin;
import static dk.samtale.journal.JournalFixture.await;
import static dk.samtale.journal.JournalFixture.citizen;
import static dk.samtale.journal.JournalFixture.document;
import static dk.samtale.journal.JournalFixture.entryOf;
import static dk.samtale.journal.JournalFixture.head;
import static dk.samtale.journal.JournalFixture.page;
import static dk.samtale.journal.JournalFixture.payload;
import static dk.samtale.journal.JournalFixture.reader;
import static dk.samtale.journal.JournalFixture.staff;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/** The case journal: outbox atomicity, the chain, signatures, encryption, the pull feed and states. */
@QuarkusTest
class JournalTest {

    @Inject
    AgroalDataSource db;

    private static String open() {
        return World.openConversation(citizen(), JournalFixture.UNIT_J);
    }

    private static String send(String token, String conversationId, String body) {
        return Api.as(token).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body))
                .post("/api/v1/conversations/" + conversationId + "/messages").then().statusCode(201).extract()
                .path("messageId");
    }

    private long count(String sql, Object arg) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void execute(String sql, Object... args) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.execute();
        }
    }

    /** Messages of a conversation that have no journal entry yet. */
    private static final String UNJOURNALED = """
            SELECT count(*) FROM message m WHERE m.conversation_id = ?
            AND NOT EXISTS (SELECT 1 FROM journal_entry e WHERE e.message_id = m.id)""";

    @Test
    void aFailureOfTheEventInsertLeavesNeitherMessageNorEvent() throws Exception {
        String id = open();
        UUID conversation = UUID.fromString(id);
        // the event insert of this one conversation fails, in the statement that also inserts the message:
        // the message must not survive without its event (which is what the journal follows)
        String constraint = "test_refuse_" + id.replace("-", "");
        execute("ALTER TABLE conversation_event ADD CONSTRAINT " + constraint + " CHECK (conversation_id <> '" + id
                + "') NOT VALID");
        try {
            Api.as(citizen()).body(Map.of("clientMessageId", "atomic-1", "body", "Hej"))
                    .post("/api/v1/conversations/" + id + "/messages").then().statusCode(500);
            assertEquals(0, count("SELECT count(*) FROM message WHERE conversation_id = ?", conversation));
            assertEquals(0,
                    count("SELECT count(*) FROM conversation_event WHERE conversation_id = ? AND kind = 'message'",
                            conversation));
            assertEquals(0, count("SELECT last_seq FROM conversation WHERE id = ?", conversation));
        } finally {
            execute("ALTER TABLE conversation_event DROP CONSTRAINT " + constraint);
        }
        // the same send now stores both, and seq 1 was not used up
        Api.as(citizen()).body(Map.of("clientMessageId", "atomic-1", "body", "Hej"))
                .post("/api/v1/conversations/" + id + "/messages").then().statusCode(201).body("seq", equalTo(1));
        String messageId = Api.as(citizen()).get("/api/v1/conversations/" + id + "/messages").then().statusCode(200)
                .extract().path("items[0].id");
        entryOf(messageId, 0);
    }

    @Test
    void everyMessageBecomesOneChainedSignedEntryThatAOneByteChangeBreaks() throws Exception {
        long before = head();
        String id = open();
        String m1 = send(citizen(), id, "Hej, jeg har et spørgsmål");
        String m2 = send(staff(), id, "Hej Jens, spørg bare");
        Map<String, Object> e1 = entryOf(m1, before);
        Map<String, Object> e2 = entryOf(m2, before);

        assertEquals(((Number) e1.get("position")).longValue() + 1, ((Number) e2.get("position")).longValue());
        // version 2: the hash covers the signed header, which commits to the payload by its hash
        assertEquals(Jws.hex(Jws.sha256(header(e1))), e1.get("hash"));
        assertEquals(Jws.hex(Jws.sha256(payload(e1))), e1.get("payloadHash"));
        assertEquals(e1.get("hash"), e2.get("previousHash"));
        JsonPath d1 = document(e1);
        assertEquals("samtale-journal/1", d1.getString("version"));
        assertEquals("received", d1.getString("direction"));
        assertEquals(JournalFixture.CPR_J, d1.getString("party.cpr"));
        assertEquals("Hej, jeg har et spørgsmål", d1.getString("body"));
        assertEquals("app", d1.getString("channel"));
        assertEquals(e1.get("id"), d1.getString("entryId"));
        JsonPath d2 = document(e2);
        assertEquals("sent", d2.getString("direction"));
        assertEquals("Jane Juul", d2.getString("author.name"));
        assertEquals(e1.get("hash"), d2.getString("previousHash"));
        // exactly one entry per message
        assertEquals(1, count("SELECT count(*) FROM journal_entry WHERE message_id = ?", UUID.fromString(m1)));

        String pem = Api.as(reader()).get("/api/v1/journal/signing-key").then().statusCode(200).extract()
                .path("publicKeyPem");
        var key = Jws.publicKey(pem);
        String signature = (String) e1.get("signature");
        assertTrue(Jws.verify(key, signature, header(e1)));
        byte[] altered = header(e1);
        altered[altered.length / 2] ^= 1;
        assertFalse(Jws.verify(key, signature, altered));
        // and a signature of another key does not verify
        var other = new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(new java.security.SecureRandom());
        assertFalse(Jws.verify(other.generatePublicKey(), signature, header(e1)));
    }

    @Test
    void thePullFeedPagesAcknowledgesAndServesUnacknowledgedEntriesAgain() {
        String id = open();
        for (int i = 0; i < 3; i++) {
            send(citizen(), id, "besked " + i);
        }
        await(() -> page("limit=1").getLong("headPosition") >= 3
                && count0(UNJOURNALED, UUID.fromString(id)) == 0,
                "sequencing");
        long head = head();
        JsonPath first = page("after=" + (head - 3) + "&limit=2");
        assertEquals(List.of(head - 2, head - 1), first.getList("items.position", Long.class));
        assertTrue(first.getBoolean("hasMore"));
        JsonPath second = page("after=" + (head - 1) + "&limit=2");
        assertEquals(List.of(head), second.getList("items.position", Long.class));
        assertFalse(second.getBoolean("hasMore"));

        // acknowledge all but the last: the default page starts after the acknowledged position
        Api.as(reader()).body(Map.of("position", head - 1)).post("/api/v1/journal/ack").then().statusCode(200)
                .body("ackedPosition", equalTo((int) (head - 1)));
        assertEquals(List.of(head), page("").getList("items.position", Long.class));
        // not acknowledged: served again
        assertEquals(List.of(head), page("").getList("items.position", Long.class));
        // the acknowledged position never moves back
        Api.as(reader()).body(Map.of("position", 1)).post("/api/v1/journal/ack").then().statusCode(200)
                .body("ackedPosition", equalTo((int) (head - 1)));
        Api.as(reader()).body(Map.of("position", head + 1000)).post("/api/v1/journal/ack").then().statusCode(400)
                .body("code", equalTo("invalid-field"));
        Api.as(reader()).body(Map.of("position", head)).post("/api/v1/journal/ack").then().statusCode(200);
        assertEquals(List.of(), page("").getList("items"));
        Api.as(reader()).get("/api/v1/journal/entries?limit=0").then().statusCode(400);
        Api.as(reader()).get("/api/v1/journal/entries?after=x").then().statusCode(400);
    }

    private long count0(String sql, Object arg) {
        try {
            return count(sql, arg);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anotherTenantsCaseSystemGets404AndOtherCallers403() {
        String id = open();
        String m = send(citizen(), id, "Til journalen");
        String entryId = (String) entryOf(m, 0).get("id");
        Api.as(reader()).get("/api/v1/journal/entries/" + entryId).then().statusCode(200)
                .body("id", equalTo(entryId));
        String andenbyReader = Tokens.service("andenby", "acadre", "journal-reader");
        Api.as(andenbyReader).get("/api/v1/journal/entries/" + entryId).then().statusCode(404)
                .body("code", equalTo("not-found"));
        // andenby's feed holds nothing of journalby
        assertFalse(Api.as(andenbyReader).get("/api/v1/journal/entries?after=0&limit=1000").then().statusCode(200)
                .extract().jsonPath().getList("items.id").contains(entryId));
        for (String wrong : List.of(staff(), citizen(), admin(), World.staffX())) {
            Api.as(wrong).get("/api/v1/journal/entries").then().statusCode(403);
            Api.as(wrong).body(Map.of("position", 0)).post("/api/v1/journal/ack").then().statusCode(403);
        }
        Api.anonymous().get("/api/v1/journal/entries").then().statusCode(401);
        Api.as(staff()).get("/api/v1/journal/verification").then().statusCode(403);
        Api.as(admin()).get("/api/v1/journal/verification").then().statusCode(200);
        Api.as(reader()).get("/api/v1/admin/journal/settings").then().statusCode(403);
    }

    @Test
    void staffSeeTheJournalStateOfEachMessageAndCitizensDoNot() {
        String id = open();
        try (WsClient staffSocket = WsClient.connect(staff()); WsClient citizenSocket = WsClient.connect(citizen())) {
            String m = send(citizen(), id, "Tilstand");
            JsonNode journaled = staffSocket.await(f -> f.path("type").asText().equals("journal-state")
                    && f.path("messageId").asText().equals(m), "journal-state journaled");
            assertEquals("journaled", journaled.path("state").asText());
            assertEquals(1, journaled.path("seq").asInt());
            Api.as(staff()).get("/api/v1/conversations/" + id + "/messages").then().statusCode(200)
                    .body("items[0].journalState", equalTo("journaled"));
            Api.as(citizen()).get("/api/v1/conversations/" + id + "/messages").then().statusCode(200)
                    .body("items[0]", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("journalState")));

            long position = ((Number) entryOf(m, 0).get("position")).longValue();
            Api.as(reader()).body(Map.of("position", position)).post("/api/v1/journal/ack").then().statusCode(200);
            JsonNode acked = staffSocket.await(f -> f.path("type").asText().equals("journal-state")
                    && f.path("messageId").asText().equals(m) && f.path("state").asText().equals("acknowledged"),
                    "journal-state acknowledged");
            assertEquals(id, acked.path("conversationId").asText());
            Api.as(staff()).get("/api/v1/conversations/" + id + "/messages").then().statusCode(200)
                    .body("items[0].journalState", equalTo("acknowledged"));
            citizenSocket.assertNoFrame("journal-state", java.time.Duration.ofMillis(300));
        }
    }

    @Test
    void theCaseReferenceIsCarriedByEntriesMadeAfterItIsSet() {
        String id = open();
        String before = send(citizen(), id, "Før sagsnummer");
        Map<String, Object> e1 = entryOf(before, 0);
        Api.as(staff()).body(Map.of("caseNumber", "2026-004217", "kleClass", "15.17.06", "actionFacet", "G01"))
                .put("/api/v1/conversations/" + id + "/case").then().statusCode(200)
                .body("caseNumber", equalTo("2026-004217")).body("kleClass", equalTo("15.17.06"))
                .body("actionFacet", equalTo("G01"));
        String after = send(staff(), id, "Efter sagsnummer");
        JsonPath d2 = document(entryOf(after, 0));
        assertEquals("2026-004217", d2.getString("caseNumber"));
        assertEquals("15.17.06", d2.getString("primaryClass"));
        assertEquals("G01", d2.getString("actionFacet"));
        assertNull(document(e1).getString("caseNumber"));

        Api.as(staff()).body(Map.of("kleClass", "15.17.06.99")).put("/api/v1/conversations/" + id + "/case").then()
                .statusCode(400).body("code", equalTo("invalid-field"));
        Api.as(staff()).body(Map.of("actionFacet", "g1")).put("/api/v1/conversations/" + id + "/case").then()
                .statusCode(400);
        Api.as(citizen()).body(Map.of("caseNumber", "1")).put("/api/v1/conversations/" + id + "/case").then()
                .statusCode(403);
        Api.as(World.staffX()).body(Map.of("caseNumber", "1")).put("/api/v1/conversations/" + id + "/case").then()
                .statusCode(404);
        // clearing
        Api.as(staff()).body(new HashMap<>(Map.of("caseNumber", ""))).put("/api/v1/conversations/" + id + "/case")
                .then().statusCode(200).body("caseNumber", nullValue()).body("actionFacet", nullValue());
    }

    @Test
    void entriesAreEncryptedToTheCaseSystemsCertificateAndOnlyItsKeyOpensThem() throws Exception {
        var caseSystem = JournalFixture.CaseSystem.generate();
        Map<String, Object> settings = new HashMap<>();
        settings.put("recipientCertificate", caseSystem.certificatePem());
        settings.put("pushUrl", null);
        Api.as(admin()).body(settings).put("/api/v1/admin/journal/settings").then().statusCode(200);
        try {
            String m = send(citizen(), open(), "Krypteret til sagssystemet");
            Map<String, Object> entry = entryOf(m, 0);
            byte[] envelope = Base64.getDecoder().decode((String) entry.get("envelopedPayload"));
            RecipientInformation r = new CMSEnvelopedData(envelope).getRecipientInfos().getRecipients().iterator()
                    .next();
            byte[] opened = r.getContent(new JceKeyTransEnvelopedRecipient(caseSystem.keys().getPrivate()));
            assertArrayEquals(payload(entry), opened);
            assertTrue(new String(opened, StandardCharsets.UTF_8).contains("Krypteret til sagssystemet"));

            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            var stranger = g.generateKeyPair().getPrivate();
            RecipientInformation again = new CMSEnvelopedData(envelope).getRecipientInfos().getRecipients().iterator()
                    .next();
            assertThrows(Exception.class, () -> again.getContent(new JceKeyTransEnvelopedRecipient(stranger)));
        } finally {
            settings.put("recipientCertificate", null);
            Api.as(admin()).body(settings).put("/api/v1/admin/journal/settings").then().statusCode(200)
                    .body("recipientCertificate", nullValue());
        }
        Api.as(admin()).body(Map.of("recipientCertificate", "not a certificate"))
                .put("/api/v1/admin/journal/settings").then().statusCode(400).body("code", equalTo("invalid-field"));
    }

    @Test
    void verificationFindsAnAlteredADeletedAndTwoReorderedEntries() throws Exception {
        String id = open();
        for (int i = 0; i < 3; i++) {
            send(citizen(), id, "kæde " + i);
        }
        await(() -> count0(UNJOURNALED, UUID.fromString(id)) == 0,
                "sequencing");
        long head = head();
        long p = head - 1;
        verification().body("valid", equalTo(true)).body("firstBroken", nullValue())
                .body("checked", equalTo((int) head));
        UUID tenant = UUID.fromString("00000000-0000-7000-8000-000000000004");

        // altered: one byte of the stored entry
        byte[] original = bytes("SELECT payload_enc FROM journal_entry WHERE tenant_id = ? AND position = " + p,
                tenant);
        byte[] changed = original.clone();
        changed[changed.length - 20] ^= 1;
        execute("UPDATE journal_entry SET payload_enc = ? WHERE tenant_id = ? AND position = " + p, changed, tenant);
        verification().body("valid", equalTo(false)).body("firstBroken.position", equalTo((int) p));
        execute("UPDATE journal_entry SET payload_enc = ? WHERE tenant_id = ? AND position = " + p, original, tenant);
        verification().body("valid", equalTo(true));

        // altered: the stored hash
        byte[] hash = bytes("SELECT hash FROM journal_entry WHERE tenant_id = ? AND position = " + p, tenant);
        byte[] otherHash = hash.clone();
        otherHash[0] ^= 1;
        execute("UPDATE journal_entry SET hash = ? WHERE tenant_id = ? AND position = " + p, otherHash, tenant);
        verification().body("valid", equalTo(false)).body("firstBroken.position", equalTo((int) p));
        execute("UPDATE journal_entry SET hash = ? WHERE tenant_id = ? AND position = " + p, hash, tenant);

        // altered: the stored signature (in the clear part of the entry)
        String storedHead = new String(
                bytes("SELECT convert_to(item_head, 'UTF8') FROM journal_entry WHERE tenant_id = ? AND position = "
                        + p, tenant),
                java.nio.charset.StandardCharsets.UTF_8);
        execute("UPDATE journal_entry SET item_head = replace(item_head, '\"signature\":\"ey', '\"signature\":\"eX')"
                + " WHERE tenant_id = ? AND position = " + p, tenant);
        verification().body("valid", equalTo(false)).body("firstBroken.position", equalTo((int) p));
        execute("UPDATE journal_entry SET item_head = ? WHERE tenant_id = ? AND position = " + p, storedHead, tenant);
        verification().body("valid", equalTo(true));

        // deleted (and put back)
        Object[] row = row(tenant, p);
        execute("DELETE FROM journal_entry WHERE tenant_id = ? AND position = " + p, tenant);
        verification().body("valid", equalTo(false)).body("firstBroken.position", equalTo((int) p));
        execute("""
                INSERT INTO journal_entry (id, tenant_id, position, message_id, conversation_id, previous_hash, hash,
                    item_head, payload_enc, payload_key, item_tail, committed_at, sequenced_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", row);
        verification().body("valid", equalTo(true));

        // reordered: positions p and p + 1 swapped
        swap(tenant, p, p + 1);
        verification().body("valid", equalTo(false)).body("firstBroken.position", equalTo((int) p));
        swap(tenant, p, p + 1);
        verification().body("valid", equalTo(true)).body("checked", equalTo((int) head));
        // a range
        Api.as(reader()).get("/api/v1/journal/verification?from=" + p + "&to=" + (p + 1)).then().statusCode(200)
                .body("valid", equalTo(true)).body("checked", equalTo(2));
    }

    private Object[] row(UUID tenant, long p) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement(
                        """
                                SELECT id, tenant_id, position, message_id, conversation_id, previous_hash, hash, item_head, payload_enc,
                                       payload_key, item_tail, committed_at, sequenced_at FROM journal_entry
                                WHERE tenant_id = ? AND position = ?""")) {
            st.setObject(1, tenant);
            st.setLong(2, p);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Object[] row = new Object[13];
                for (int i = 0; i < row.length; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                return row;
            }
        }
    }

    private void swap(UUID tenant, long a, long b) throws Exception {
        execute("UPDATE journal_entry SET position = -1 WHERE tenant_id = ? AND position = " + a, tenant);
        execute("UPDATE journal_entry SET position = " + a + " WHERE tenant_id = ? AND position = " + b, tenant);
        execute("UPDATE journal_entry SET position = " + b + " WHERE tenant_id = ? AND position = -1", tenant);
    }

    private byte[] bytes(String sql, Object arg) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        }
    }

    private static byte[] header(Map<String, Object> item) {
        return java.util.Base64.getDecoder().decode((String) item.get("header"));
    }

    private static io.restassured.response.ValidatableResponse verification() {
        return Api.as(reader()).get("/api/v1/journal/verification").then().statusCode(200);
    }
}
