package dk.samtale.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.platform.Uuid7;
import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;

/**
 * The journal chain survives deletion (issue 16): a deleted conversation's entries lose their payload and
 * keep what verification needs — the verification endpoint, the offline CLI and a case system's own check
 * (hash of the signed header, EdDSA over it) pass over a chain with redacted entries; version 1 entries
 * (signature over the payload, made before V18) stay verifiable, redacted or not. Tenant "arkivby".
 */
@QuarkusTest
class JournalRedactionTest {

    private static final UUID ARKIVBY = UUID.fromString("00000000-0000-7000-8000-000000001801");
    private static final String UNIT = "00000000-0000-7000-8000-0000000018a1";

    @Inject
    AgroalDataSource db;
    @Inject
    JournalErasure erasure;
    @Inject
    JournalSigner signer;
    @Inject
    ConversationKeys keys;

    private static String citizen() {
        return Tokens.citizen("arkivby", "1212121212", "Rikke Redigeret");
    }

    private static String staff() {
        return Tokens.staff("arkivby", "arne", "Arne Arkiv", "unit-arkiv");
    }

    private static String reader() {
        return Tokens.service("arkivby", "sbsys", "journal-reader");
    }

    private static String open() {
        return Api.as(citizen()).body(Map.of("unitId", UNIT, "subject", "Arkiv " + UUID.randomUUID()))
                .post("/api/v1/conversations").then().statusCode(201).extract().path("id");
    }

    private static String send(String token, String conversation, String body) {
        return Api.as(token).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body))
                .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(201).extract()
                .path("messageId");
    }

    private static String pageJson() {
        return Api.as(reader()).get("/api/v1/journal/entries?after=0&limit=1000").then().statusCode(200).extract()
                .asString();
    }

    private static List<Map<String, Object>> items() {
        return new JsonPath(pageJson()).getList("items");
    }

    private static List<Map<String, Object>> itemsOf(String conversation) {
        return items().stream().filter(i -> conversation.equals(i.get("conversationId"))).toList();
    }

    /** Waits until the journal has passed every event of these conversations. */
    private void settled(String... conversations) {
        JournalFixture.await(() -> {
            try (Connection c = db.getConnection()) {
                return erasureLog(c, conversations).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the journal to sequence every event");
    }

    private Set<UUID> erasureLog(Connection c, String... conversations) throws Exception {
        // unacknowledged entries also count as "not yet": acknowledge everything first
        ack();
        return erasure.notYet(c, ARKIVBY, java.util.Arrays.stream(conversations).map(UUID::fromString).toList());
    }

    private static void ack() {
        long head = new JsonPath(pageJson()).getLong("headPosition");
        Api.as(reader()).body(Map.of("position", head)).post("/api/v1/journal/ack").then().statusCode(200);
    }

    private int erase(String... conversations) throws Exception {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            int n = erasure.erase(c, ARKIVBY, java.util.Arrays.stream(conversations).map(UUID::fromString).toList());
            c.commit();
            return n;
        }
    }

    private static io.restassured.response.ValidatableResponse verification() {
        return Api.as(reader()).get("/api/v1/journal/verification").then().statusCode(200);
    }

    private static String cli(String page) throws Exception {
        String key = Api.as(reader()).get("/api/v1/journal/signing-key").then().statusCode(200).extract()
                .path("publicKeyPem");
        Path file = Files.createTempFile("journal-page", ".json");
        Files.writeString(file, page);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyJournal.verify(key, List.of(file), new PrintStream(out, true, StandardCharsets.UTF_8));
        return code + " " + out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aDeletedConversationsEntriesLoseTheirPayloadAndTheChainStillVerifies() throws Exception {
        String gone = open();
        send(citizen(), gone, "Hemmelig tekst der skal slettes");
        send(staff(), gone, "Svar der også skal slettes");
        Api.as(staff()).post("/api/v1/conversations/" + gone + "/close").then().statusCode(200);
        String stays = open();
        send(citizen(), stays, "Denne samtale bliver stående");
        settled(gone, stays);
        // opened, 2 messages, closed, the conversation document
        JournalFixture.await(() -> itemsOf(gone).size() == 5, "five entries of the deleted conversation");

        // a case system's own check of a version 2 entry: hash of the header, signature over the header,
        // the header's payloadHash over the payload
        var key = Jws.publicKey(Api.as(reader()).get("/api/v1/journal/signing-key").then().extract()
                .path("publicKeyPem"));
        Map<String, Object> first = itemsOf(gone).get(1);
        byte[] header = Base64.getDecoder().decode((String) first.get("header"));
        byte[] payload = Base64.getDecoder().decode((String) first.get("payload"));
        assertEquals(Jws.hex(Jws.sha256(header)), first.get("hash"));
        assertEquals(Jws.hex(Jws.sha256(payload)), first.get("payloadHash"));
        assertTrue(Jws.verify(key, (String) first.get("signature"), header));
        JsonPath h = new JsonPath(new String(header, StandardCharsets.UTF_8));
        assertEquals("samtale-journal-entry/2", h.getString("version"));
        assertEquals(first.get("payloadHash"), h.getString("payloadHash"));
        assertEquals(first.get("previousHash"), h.getString("previousHash"));
        assertEquals(false, first.get("redacted"));

        // five entries redacted, and the document's dedupe row deleted
        assertEquals(6, erase(gone));
        List<Map<String, Object>> redacted = itemsOf(gone);
        assertEquals(5, redacted.size());
        for (Map<String, Object> item : redacted) {
            assertEquals(true, item.get("redacted"), item::toString);
            assertNull(item.get("payload"));
            assertNull(item.get("envelopedPayload"));
            assertNotNull(item.get("header"));
            assertTrue(Jws.verify(key, (String) item.get("signature"),
                    Base64.getDecoder().decode((String) item.get("header"))));
        }
        assertEquals(0,
                count("SELECT count(*) FROM journal_entry WHERE conversation_id = ? AND payload_enc IS NOT NULL",
                        UUID.fromString(gone)));
        assertEquals(false, itemsOf(stays).get(0).get("redacted"));
        assertNotNull(itemsOf(stays).get(0).get("payload"));

        // the verification endpoint, the CLI over saved pages, and the single-entry endpoint
        verification().body("valid", org.hamcrest.Matchers.equalTo(true))
                .body("redacted", org.hamcrest.Matchers.greaterThanOrEqualTo(5));
        String cli = cli(pageJson());
        assertTrue(cli.startsWith("0 OK: positions 1 to "), cli);
        Api.as(reader()).get("/api/v1/journal/entries/" + redacted.get(0).get("id")).then().statusCode(200)
                .body("redacted", org.hamcrest.Matchers.equalTo(true));
        // erasing again changes nothing
        assertEquals(0, erase(gone));

        // a redacted entry is still tamper-evident: its header is signed
        long p = ((Number) redacted.get(1).get("position")).longValue();
        String stored = text("SELECT item_head FROM journal_entry WHERE tenant_id = ? AND position = " + p);
        String header1 = (String) redacted.get(1).get("header");
        byte[] altered = Base64.getDecoder().decode(header1);
        altered[altered.length - 5] ^= 1;
        execute("UPDATE journal_entry SET item_head = ? WHERE tenant_id = ? AND position = " + p,
                stored.replace(header1, Base64.getEncoder().encodeToString(altered)), ARKIVBY);
        verification().body("valid", org.hamcrest.Matchers.equalTo(false))
                .body("firstBroken.position", org.hamcrest.Matchers.equalTo((int) p));
        // and a redacted entry whose payload is silently dropped (not marked redacted) is refused
        execute("UPDATE journal_entry SET item_head = ? WHERE tenant_id = ? AND position = " + p,
                stored.replace("\"redacted\":true", "\"redacted\":false"), ARKIVBY);
        verification().body("valid", org.hamcrest.Matchers.equalTo(false));
        execute("UPDATE journal_entry SET item_head = ? WHERE tenant_id = ? AND position = " + p, stored, ARKIVBY);
        verification().body("valid", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void notBeforeEveryEntryIsJournaledAndAcknowledged() throws Exception {
        String id = open();
        String m = send(citizen(), id, "Ikke kvitteret endnu");
        JournalFixture.await(() -> items().stream().anyMatch(i -> m.equals(i.get("messageId"))), "the entry");
        try (Connection c = db.getConnection()) {
            assertTrue(erasure.notYet(c, ARKIVBY, List.of(UUID.fromString(id))).contains(UUID.fromString(id)),
                    "an unacknowledged entry holds the conversation back");
        }
        settled(id); // acknowledges
        try (Connection c = db.getConnection()) {
            assertFalse(erasure.notYet(c, ARKIVBY, List.of(UUID.fromString(id))).contains(UUID.fromString(id)));
        }
    }

    @Test
    void versionOneEntriesStillVerifyAndCanBeRedacted() throws Exception {
        UUID oldConversation = UUID.randomUUID();
        // a conversation from before conversations had keys: its entries are under the tenant key
        TenantKeys k = keys.of(ARKIVBY, oldConversation).await().atMost(Duration.ofSeconds(30));
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement st = c
                    .prepareStatement("SELECT pg_advisory_xact_lock(x'45564c47'::int, hashtext(?))")) {
                st.setString(1, "journal:" + ARKIVBY); // the sequencer of this tenant waits for us
                st.execute();
            }
            long position = 0;
            String previous = ChainVerifier.GENESIS;
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT position, hash FROM journal_head WHERE tenant_id = ?")) {
                st.setObject(1, ARKIVBY);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        position = rs.getLong(1);
                        previous = Jws.hex(rs.getBytes(2));
                    }
                }
            }
            for (String text : List.of("Gammel besked 1", "Gammel besked 2")) {
                position++;
                previous = insertVersionOne(c, k, oldConversation, position, previous, text);
            }
            c.commit();
        }
        // the next entry, version 2, links to the last version 1 entry and vouches for it
        String next = open();
        String m = send(citizen(), next, "Ny besked efter formatskiftet");
        JournalFixture.await(() -> items().stream().anyMatch(i -> m.equals(i.get("messageId"))), "the v2 entry");
        List<Map<String, Object>> old = itemsOf(oldConversation.toString());
        assertEquals(2, old.size());
        assertNull(old.get(0).get("header"), "a version 1 entry is served as it was made");
        verification().body("valid", org.hamcrest.Matchers.equalTo(true));
        assertTrue(cli(pageJson()).startsWith("0 OK"), "CLI before redaction");

        // redacted version 1 entries: their hashes are vouched for by the next entry's signed previousHash
        settled(oldConversation.toString(), next);
        erase(oldConversation.toString());
        old = itemsOf(oldConversation.toString());
        assertEquals(true, old.get(0).get("redacted"));
        assertNull(old.get(1).get("payload"));
        verification().body("valid", org.hamcrest.Matchers.equalTo(true));
        String cli = cli(pageJson());
        assertTrue(cli.startsWith("0 OK"), cli);
        // an altered hash of a redacted version 1 entry no longer links
        long p = ((Number) old.get(1).get("position")).longValue();
        String stored = text("SELECT item_head FROM journal_entry WHERE tenant_id = ? AND position = " + p);
        String hash = (String) old.get(1).get("hash");
        String other = (hash.charAt(0) == 'a' ? "b" : "a") + hash.substring(1);
        execute("UPDATE journal_entry SET item_head = ? WHERE tenant_id = ? AND position = " + p,
                stored.replace(hash, other), ARKIVBY);
        assertTrue(cli(pageJson()).startsWith("1 BROKEN"));
        execute("UPDATE journal_entry SET item_head = ? WHERE tenant_id = ? AND position = " + p, stored, ARKIVBY);
    }

    /** An entry exactly as the sequencer made them before V18: hash and signature over the payload. */
    private String insertVersionOne(Connection c, TenantKeys k, UUID conversation, long position, String previous,
            String text) throws Exception {
        UUID entryId = Uuid7.next(java.time.Clock.systemUTC());
        String now = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(ZoneOffset.UTC).format(java.time.Instant.now());
        JournalDocument doc = new JournalDocument(JournalDocument.VERSION, entryId, "arkivby", position, previous,
                null, null, null, new JournalDocument.Party("1212121212", "Rikke Redigeret"), "Gammel samtale", now,
                "conversation-opened", "internal", null, new JournalDocument.Author("system", null, null), text, null,
                List.of(), conversation, null, 0, now);
        byte[] payload = JournalCodec.encode(doc);
        byte[] hash = Jws.sha256(payload);
        String b64 = Base64.getEncoder().encodeToString(payload);
        String json = JournalCodec.encode(new FeedItem(entryId, position, null, conversation, Jws.hex(hash), previous,
                signer.sign(payload), null, null, false, b64, null)).replace("\"redacted\":false,", "");
        StoredEntry.Parts parts = StoredEntry.split(json, b64);
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO journal_entry (id, tenant_id, position, message_id, conversation_id, previous_hash, hash,
                                           item_head, payload_enc, payload_key, item_tail, committed_at, sequenced_at)
                VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, now(), now())""")) {
            st.setObject(1, entryId);
            st.setObject(2, ARKIVBY);
            st.setLong(3, position);
            st.setObject(4, conversation);
            st.setBytes(5, java.util.HexFormat.of().parseHex(previous));
            st.setBytes(6, hash);
            st.setString(7, parts.head());
            dk.samtale.crypto.Binding sealedAs = dk.samtale.crypto.Binding.journalEntry(ARKIVBY, conversation, entryId);
            st.setBytes(8, StoredEntry.seal(k, sealedAs, payload));
            st.setInt(9, k.keyIdFor(sealedAs));
            st.setString(10, parts.tail());
            st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO journal_head (tenant_id, position, hash) VALUES (?, ?, ?)
                ON CONFLICT (tenant_id) DO UPDATE SET position = EXCLUDED.position, hash = EXCLUDED.hash""")) {
            st.setObject(1, ARKIVBY);
            st.setLong(2, position);
            st.setBytes(3, hash);
            st.executeUpdate();
        }
        return Jws.hex(hash);
    }

    private long count(String sql, UUID arg) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private String text(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, ARKIVBY);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private void execute(String sql, Object... args) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.executeUpdate();
        }
    }
}
