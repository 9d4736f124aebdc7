package dk.samtale.retention;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dk.samtale.crypto.Binding;
import dk.samtale.crypto.ConversationKeys;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;
import dk.samtale.testing.Api;
import dk.samtale.testing.DatabaseDump;
import dk.samtale.testing.TestClock;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.Waiting;

/**
 * Retention and deletion (issue 16), tenant "glemby": a closed conversation is deleted after its period,
 * never before the case system acknowledged all of it; a legal hold on it or on its citizen stops it until
 * lifted; a KLE override keeps a class longer; the admin must see a dry run first; afterwards nothing of the
 * conversation's text, name or sealed values is left in any table and the journal still verifies.
 */
@QuarkusTest
class RetentionTest {

    private static final String UNIT = "00000000-0000-7000-8000-0000000018b1";
    private static final UUID GLEMBY = UUID.fromString("00000000-0000-7000-8000-000000001802");

    @Inject
    AgroalDataSource db;
    @Inject
    TestClock clock;
    @Inject
    RetentionJob job;
    @Inject
    ConversationKeys conversationKeys;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static String citizen(String cpr, String name) {
        return Tokens.citizen("glemby", cpr, name);
    }

    static String staff() {
        return Tokens.staff("glemby", "gitte", "Gitte Glem", "unit-glem");
    }

    static String admin() {
        return Tokens.service("glemby", "ops", "admin");
    }

    static String reader() {
        return Tokens.service("glemby", "sbsys", "journal-reader");
    }

    static String cpr() {
        return dk.samtale.testing.People.adultCpr();
    }

    static String open(String citizen, String subject) {
        return Api.as(citizen).body(Map.of("unitId", UNIT, "subject", subject)).post("/api/v1/conversations").then()
                .statusCode(201).extract().path("id");
    }

    static String send(String token, String conversation, String body) {
        return Api.as(token).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", body))
                .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(201).extract()
                .path("messageId");
    }

    static void close(String conversation) {
        Api.as(staff()).post("/api/v1/conversations/" + conversation + "/close").then().statusCode(200);
    }

    static void policy(Map<String, Object> body) {
        Api.as(admin()).body(body).put("/api/v1/admin/retention/policy").then().statusCode(200);
    }

    static JsonPath dryRun() {
        return Api.as(admin()).post("/api/v1/admin/retention/dry-run").then().statusCode(200).extract().jsonPath();
    }

    static JsonPath run() {
        return Api.as(admin()).post("/api/v1/admin/retention/run").then().statusCode(200).extract().jsonPath();
    }

    static String outcome(JsonPath report, String conversation) {
        List<Map<String, Object>> listed = report.getList("conversations.listed");
        return listed.stream().filter(l -> conversation.equals(l.get("conversationId")))
                .map(l -> (String) l.get("outcome"))
                .findFirst().orElse(null);
    }

    /** Waits until the journal has every entry of the tenant, then acknowledges them all. */
    static void journaledAndAcknowledged(int entries, String conversation) {
        Waiting.until(() -> journalItems(conversation).size() >= entries, entries + " entries of " + conversation);
        long head = Api.as(reader()).get("/api/v1/journal/entries?limit=1").then().statusCode(200).extract().jsonPath()
                .getLong("headPosition");
        Api.as(reader()).body(Map.of("position", head)).post("/api/v1/journal/ack").then().statusCode(200);
    }

    static List<Map<String, Object>> journalItems(String conversation) {
        List<Map<String, Object>> items = Api.as(reader()).get("/api/v1/journal/entries?after=0&limit=1000").then()
                .statusCode(200).extract().jsonPath().getList("items");
        return items.stream().filter(i -> conversation.equals(i.get("conversationId"))).toList();
    }

    static boolean exists(String conversation) {
        return Api.as(staff()).get("/api/v1/conversations/" + conversation).then().extract().statusCode() == 200;
    }

    @Test
    void aClosedConversationIsDeletedOnlyAfterTheCaseSystemAcknowledgedAllOfIt() {
        String c = citizen(cpr(), "Vente Venter");
        String id = open(c, "Venter på sagssystemet");
        send(c, id, "Første besked");
        close(id);
        policy(Map.of("conversationDays", 1, "enabled", true));
        clock.advance(Duration.ofDays(2));
        // the journal has the entries, but the case system has not acknowledged them
        Waiting.until(() -> journalItems(id).size() >= 4, "opened, message, closed, document");
        assertEquals("waiting-for-journal", outcome(dryRun(), id));
        JsonPath r = run();
        assertEquals("waiting-for-journal", outcome(r, id));
        assertTrue(exists(id), "not deleted before the case system acknowledged it");
        journaledAndAcknowledged(4, id);
        r = run();
        assertEquals("deleted", outcome(r, id));
        assertFalse(exists(id));
        Api.as(reader()).get("/api/v1/journal/verification").then().statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void aLegalHoldOnTheConversationOrTheCitizenStopsDeletionUntilLifted() {
        String cprHeld = cpr();
        String c = citizen(cprHeld, "Hilde Holdt");
        String byConversation = open(c, "Holdt samtale");
        send(c, byConversation, "Tvist");
        close(byConversation);
        String byCitizen = open(c, "Anden samtale");
        send(c, byCitizen, "Også holdt");
        close(byCitizen);
        journaledAndAcknowledged(4, byCitizen);
        journaledAndAcknowledged(4, byConversation);
        policy(Map.of("conversationDays", 1, "enabled", true));
        clock.advance(Duration.ofDays(2));

        String hold = Api.as(admin()).body(Map.of("conversationId", byConversation, "reason", "Klagesag 2026-17"))
                .post("/api/v1/admin/retention/holds").then().statusCode(201).body("placedBy", equalTo("service:ops"))
                .extract().path("id");
        String citizenHold = Api.as(admin()).body(Map.of("cpr", cprHeld, "reason", "Aktindsigt verserer"))
                .post("/api/v1/admin/retention/holds").then().statusCode(201).extract().path("id");
        dryRun();
        JsonPath r = run();
        assertEquals("held", outcome(r, byConversation));
        assertEquals("held", outcome(r, byCitizen));
        assertTrue(exists(byConversation) && exists(byCitizen));

        // lifting the citizen's hold frees the other conversation; the conversation's own hold still holds
        Api.as(admin()).body(Map.of("reason", "Aktindsigt afsluttet")).post("/api/v1/admin/retention/holds/"
                + citizenHold + "/lift").then().statusCode(200).body("liftedBy", equalTo("service:ops"))
                .body("liftReason", equalTo("Aktindsigt afsluttet"));
        r = run();
        assertEquals("held", outcome(r, byConversation));
        assertFalse(exists(byCitizen));
        Api.as(admin()).body(Map.of("reason", "Afgjort")).post("/api/v1/admin/retention/holds/" + hold + "/lift")
                .then().statusCode(200);
        Api.as(admin()).body(Map.of("reason", "igen")).post("/api/v1/admin/retention/holds/" + hold + "/lift")
                .then().statusCode(409).body("code", equalTo("hold-lifted"));
        run();
        assertFalse(exists(byConversation));
        // who and why stay, and the actions are audited
        Api.as(admin()).get("/api/v1/admin/retention/holds?includeLifted=true").then().statusCode(200)
                .body("items.reason", hasItem("Klagesag 2026-17")).body("items.liftReason", hasItem("Afgjort"));
        Api.as(admin()).get("/api/v1/admin/retention/holds").then().statusCode(200)
                .body("items.id", not(hasItem(hold)));
        Api.as(admin()).get("/api/v1/admin/audit?action=legal-hold.placed").then().statusCode(200)
                .body("items.targetId", hasItem(byConversation));
    }

    @Test
    void aKleOverrideKeepsItsClassLongerThanTheDefault() {
        String c = citizen(cpr(), "Kirsten Klasse");
        String kept = open(c, "Børnesag");
        Api.as(staff()).body(Map.of("caseNumber", "2026-99", "kleClass", "27.12.04"))
                .put("/api/v1/conversations/" + kept + "/case").then().statusCode(200);
        close(kept);
        String plain = open(c, "Almindelig");
        close(plain);
        journaledAndAcknowledged(4, kept);
        journaledAndAcknowledged(3, plain);
        policy(Map.of("conversationDays", 1, "kleDays", Map.of("27.12", 30, "27", 5), "enabled", true));
        clock.advance(Duration.ofDays(10));
        JsonPath dry = dryRun();
        assertEquals(null, outcome(dry, kept), "27.12.04 is kept 30 days (the longest prefix wins over 27)");
        assertEquals("would-delete", outcome(dry, plain));
        run();
        assertTrue(exists(kept));
        assertFalse(exists(plain));
        clock.advance(Duration.ofDays(25));
        dryRun();
        run();
        assertFalse(exists(kept));
    }

    @Test
    void theTimedJobRunsAnEnabledPolicyOnlyAfterItsDryRunAndCountsInTheMetrics() {
        String c = citizen(cpr(), "Jonna Job");
        String id = open(c, "Jobbet sletter");
        close(id);
        journaledAndAcknowledged(3, id);
        policy(Map.of("conversationDays", 1, "enabled", true));
        clock.advance(Duration.ofDays(2));
        job.pass(); // enabled, but no dry run of this policy yet
        assertTrue(exists(id));
        dryRun();
        job.pass();
        assertFalse(exists(id));
        String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("samtale_retention_deleted_total{kind=\"conversation\"}"), "deleted metric");
        assertTrue(metrics.contains("samtale_retention_due "), "due gauge");
        assertTrue(metrics.contains("samtale_retention_held_total"), "held counter");
    }

    @Test
    void theJobDeletesNothingUntilTheAdminHasSeenADryRunOfTheCurrentPolicy() {
        policy(Map.of("conversationDays", 400, "enabled", true));
        Api.as(admin()).get("/api/v1/admin/retention/policy").then().statusCode(200)
                .body("state", equalTo("waiting-for-dry-run")).body("recordDays.devices", equalTo(180));
        Api.as(admin()).post("/api/v1/admin/retention/run").then().statusCode(409)
                .body("code", equalTo("dry-run-required"));
        dryRun();
        Api.as(admin()).get("/api/v1/admin/retention/policy").then().statusCode(200).body("state", equalTo("active"));
        run();
        // bad policies are refused, naming the field
        Api.as(admin()).body(Map.of("conversationDays", 0)).put("/api/v1/admin/retention/policy").then()
                .statusCode(400).body("code", equalTo("invalid-field"));
        Api.as(admin()).body(Map.of("conversationDays", 10, "kleDays", Map.of("børn", 3)))
                .put("/api/v1/admin/retention/policy").then().statusCode(400);
        Api.as(admin()).body(Map.of("conversationDays", 10, "recordDays", Map.of("nothing", 3)))
                .put("/api/v1/admin/retention/policy").then().statusCode(400);
        // only the tenant's admin: staff 403, another tenant's admin sees only its own (a hold here: 404)
        Api.as(staff()).get("/api/v1/admin/retention/policy").then().statusCode(403);
        Api.as(reader()).post("/api/v1/admin/retention/run").then().statusCode(403);
        String c = citizen(cpr(), "Anna Anden");
        String id = open(c, "Fremmed hold");
        String hold = Api.as(admin()).body(Map.of("conversationId", id, "reason", "Sag 1"))
                .post("/api/v1/admin/retention/holds").then().statusCode(201).extract().path("id");
        Api.as(Tokens.service("journalby", "ops", "admin")).body(Map.of("reason", "x"))
                .post("/api/v1/admin/retention/holds/" + hold + "/lift").then().statusCode(404);
        Api.as(Tokens.service("journalby", "ops", "admin")).get("/api/v1/admin/retention/holds").then()
                .statusCode(200).body("items.id", not(hasItem(hold)));
    }

    @Test
    void agedRecordsAreDeletedByTheirOwnFeatureAfterTheirPeriod() throws Exception {
        Instant old = Instant.now().minus(Duration.ofDays(400));
        UUID device = UUID.randomUUID();
        execute("""
                INSERT INTO device (id, tenant_id, owner_kind, owner_id, token_hash, token_enc, platform, created_at, last_seen_at)
                VALUES (?, ?, 'citizen', ?, ?, ?, 'android', ?, ?)""",
                device, GLEMBY, UUID.randomUUID(),
                UUID.randomUUID().toString().getBytes(), new byte[]{1}, java.sql.Timestamp.from(old),
                java.sql.Timestamp.from(old));
        long gatewayId = System.nanoTime();
        execute("""
                INSERT INTO sms_inbound (gateway_id, tenant_id, outcome, received_at) VALUES (?, ?, 'unknown-sender', ?)""",
                gatewayId, GLEMBY, java.sql.Timestamp.from(old));
        UUID auditRow = UUID.randomUUID();
        execute("""
                INSERT INTO audit_entry (id, tenant_id, at, actor_kind, actor_client, action, target_type)
                VALUES (?, ?, ?, 'service', 'ops', 'keys.rotated', 'tenant')""", auditRow, GLEMBY,
                java.sql.Timestamp.from(Instant.now().minus(Duration.ofDays(2000))));
        // the audit trail stays append-only for everyone else
        try {
            execute("DELETE FROM audit_entry WHERE id = ?", auditRow);
            fail("audit_entry refused the delete");
        } catch (java.sql.SQLException expected) {
            assertTrue(expected.getMessage().contains("append-only"), expected.getMessage());
        }
        policy(Map.of("conversationDays", 1000, "enabled", true));
        JsonPath dry = dryRun();
        assertTrue(dry.getLong("records.devices") >= 1, dry.prettify());
        assertTrue(dry.getLong("records.sms-unmatched") >= 1);
        assertEquals(1, count("SELECT count(*) FROM device WHERE id = ?", device));
        JsonPath r = run();
        assertTrue(r.getLong("records.devices") >= 1);
        assertEquals(0, count("SELECT count(*) FROM device WHERE id = ?", device));
        assertEquals(0, count("SELECT count(*) FROM sms_inbound WHERE gateway_id = ?", gatewayId));
        assertEquals(0, count("SELECT count(*) FROM audit_entry WHERE id = ?", auditRow));
        assertTrue(r.getLong("records.audit") >= 1);
    }

    @Test
    void afterDeletionNoTraceOfTheTextTheNameOrTheSealedValuesIsLeftAndTheJournalVerifies() throws Exception {
        String marker = "SLETMIG-" + UUID.randomUUID();
        String name = "Navn Slettes " + UUID.randomUUID().toString().substring(0, 8);
        String citizenCpr = cpr();
        String c = citizen(citizenCpr, name);
        String id = open(c, marker + " emne");
        String m = send(c, id, marker + " fra borgeren");
        send(staff(), id, marker + " fra sagsbehandleren");
        Api.as(staff()).body(Map.of("body", marker + " note")).post("/api/v1/conversations/" + id + "/notes").then()
                .statusCode(201);
        close(id);
        journaledAndAcknowledged(5, id);
        // the sealed values of the conversation, as a stolen dump would have them
        List<String> sealed = new ArrayList<>();
        for (String sql : List.of("SELECT body_enc FROM message WHERE conversation_id = ?",
                "SELECT subject_enc FROM conversation WHERE id = ?",
                "SELECT payload_enc FROM journal_entry WHERE conversation_id = ?",
                "SELECT body_enc FROM conversation_note WHERE conversation_id = ?")) {
            sealed.addAll(hex(sql, UUID.fromString(id)));
        }
        assertTrue(sealed.size() >= 1 + 2 + 5 + 1, "sealed values found: " + sealed.size());

        Api.as(admin()).body(Map.of("cpr", citizenCpr, "reference", "Sletteanmodning 2026-5"))
                .post("/api/v1/admin/retention/erasure").then().statusCode(200).body("deleted", equalTo(1))
                .body("held", equalTo(0));
        assertFalse(exists(id));
        keysShredded();

        List<String> secrets = List.of(marker, name, citizenCpr);
        // ids may stay where a record of authority keeps them without content: the redacted journal entries
        // and their delivery rows, the audit trail of staff actions (ids only), and the access log (who accessed
        // the conversation: ids only, hash-chained, kept for its own period and pruned by records)
        Set<String> keepIds = Set.of("journal_entry", "journal_delivery", "audit_entry", "access_log");
        for (String table : tables()) {
            if (table.startsWith("test_")) {
                continue; // a probe another test class created to watch the event log
            }
            try (Connection con = db.getConnection();
                    PreparedStatement st = con.prepareStatement("SELECT t::text FROM \"" + table + "\" t");
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String row = rs.getString(1);
                    for (String secret : secrets) {
                        assertFalse(row.contains(secret), table + " holds " + secret);
                        assertFalse(row.contains(HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8))),
                                table + " holds a secret as bytes");
                    }
                    for (String s : sealed) {
                        assertFalse(row.contains(s), table + " still holds a sealed value of the conversation");
                    }
                    if (!keepIds.contains(table)) {
                        assertFalse(row.contains(id), table + " still names the conversation");
                        assertFalse(row.contains(m), table + " still names its message");
                    }
                }
            }
        }
        List<Map<String, Object>> entries = journalItems(id);
        assertEquals(5, entries.size());
        entries.forEach(e -> assertEquals(true, e.get("redacted")));
        Api.as(reader()).get("/api/v1/journal/verification").then().statusCode(200).body("valid", equalTo(true));
        Api.as(admin()).get("/api/v1/admin/audit?action=citizen.erased").then().statusCode(200)
                .body("items.detail.reference", hasItem("Sletteanmodning 2026-5"));
    }

    /**
     * Issue 16: "A restored copy of a database dump taken before deletion cannot open the deleted conversation
     * after its key is destroyed." The dump is a real one (COPY of every table in one snapshot, restored into a
     * fresh database); the tenant keys it holds are those of the live database, opened by the same KEK; only
     * the conversation's own key, kept in the key vault and destroyed with the conversation, is missing.
     */
    @Test
    void aBackupTakenBeforeTheDeletionCannotOpenTheConversationOnceItsKeyIsDestroyed() throws Exception {
        String marker = "BACKUP-" + UUID.randomUUID();
        String citizenCpr = cpr();
        String c = citizen(citizenCpr, "Navn Backup");
        String id = open(c, marker + " emne");
        send(c, id, marker + " fra borgeren");
        send(staff(), id, marker + " fra sagsbehandleren");
        Api.as(staff()).body(Map.of("body", marker + " note")).post("/api/v1/conversations/" + id + "/notes").then()
                .statusCode(201);
        close(id);
        journaledAndAcknowledged(5, id);
        UUID conversation = UUID.fromString(id);

        DatabaseDump backup = DatabaseDump.take(db);
        List<Sealed> before = sealedValues(db::getConnection, conversation);
        assertTrue(before.size() >= 1 + 2 + 1 + 5, "sealed values of the conversation: " + before.size());
        TenantKeys live = conversationKeys.of(GLEMBY, conversation).await().atMost(Duration.ofSeconds(10));
        for (Sealed v : before) {
            assertEquals(0, dk.samtale.crypto.MessageCipher.keyIdOf(v.bytes()), v.binding() + " is under the "
                    + "conversation's key, not a tenant key a backup would still hold");
            assertTrue(live.open(v.binding(), v.bytes()).contains(marker), v.binding() + " opens while the key lives");
        }

        Api.as(admin()).body(Map.of("cpr", citizenCpr, "reference", "Sletteanmodning backup"))
                .post("/api/v1/admin/retention/erasure").then().statusCode(200).body("deleted", equalTo(1));
        keysShredded();

        try (DatabaseDump.Restored copy = backup.restoreInto("backup_" + Long.toHexString(System.nanoTime()))) {
            List<Sealed> restored = sealedValues(copy::connect, conversation);
            assertEquals(before, restored, "the backup holds the conversation as it was");
            assertEquals(keyRows(db::getConnection), keyRows(copy::connect),
                    "the backup holds the tenant's data keys, wrapped by the same KEK");
            TenantKeys after = conversationKeys.of(GLEMBY, conversation).await().atMost(Duration.ofSeconds(10));
            for (Sealed v : restored) {
                Unreadable e = assertThrows(Unreadable.class, () -> after.open(v.binding(), v.bytes()),
                        v.binding() + " must not open from the backup");
                assertEquals(Unreadable.Reason.KEY_DESTROYED, e.reason());
            }
        }
    }

    /** One sealed value and what it is bound to. */
    record Sealed(Binding binding, byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Sealed s && s.binding.equals(binding) && java.util.Arrays.equals(s.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return binding.hashCode();
        }
    }

    @FunctionalInterface
    interface Connect {
        Connection get() throws java.sql.SQLException;
    }

    /** Every sealed value of the conversation that holds its content, as stored in that database. */
    private static List<Sealed> sealedValues(Connect db, UUID conversation) throws Exception {
        List<Sealed> out = new ArrayList<>();
        try (Connection c = db.get()) {
            read(c, "SELECT id, subject_enc FROM conversation WHERE id = ?", conversation,
                    (row, b) -> out.add(new Sealed(Binding.conversationSubject(GLEMBY, conversation), b)));
            read(c, "SELECT id, body_enc FROM message WHERE conversation_id = ? ORDER BY seq", conversation,
                    (row, b) -> out.add(new Sealed(Binding.messageBody(GLEMBY, conversation, row), b)));
            read(c, "SELECT id, body_enc FROM conversation_note WHERE conversation_id = ?", conversation,
                    (row, b) -> out.add(new Sealed(new Binding(GLEMBY, conversation, "conversation_note", row, "body"),
                            b)));
            read(c, "SELECT id, payload_enc FROM journal_entry WHERE conversation_id = ? ORDER BY position",
                    conversation, (row, b) -> out.add(new Sealed(Binding.journalEntry(GLEMBY, conversation, row), b)));
        }
        return out;
    }

    private static void read(Connection c, String sql, UUID arg, java.util.function.BiConsumer<UUID, byte[]> each)
            throws Exception {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBytes(2) != null) {
                        each.accept(rs.getObject(1, UUID.class), rs.getBytes(2));
                    }
                }
            }
        }
    }

    private static List<String> keyRows(Connect db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.get();
                PreparedStatement st = c.prepareStatement(
                        "SELECT id, kek_id, encode(wrapped, 'hex') FROM data_key WHERE tenant_id = ? ORDER BY id")) {
            st.setObject(1, GLEMBY);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1) + "/" + rs.getString(2) + "/" + rs.getString(3));
                }
            }
        }
        return out;
    }

    /** The deleted conversations' keys are destroyed in the vault after the deletion commits. */
    private void keysShredded() {
        Waiting.until(() -> {
            try {
                return count("SELECT count(*) FROM conversation_key_shredding WHERE tenant_id = ?", GLEMBY) == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "keys of deleted conversations destroyed in the vault");
    }

    private List<String> tables() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement st = c.prepareStatement("""
                        SELECT table_name FROM information_schema.tables
                        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'""");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        assertTrue(out.containsAll(List.of("message", "journal_entry", "conversation_note", "legal_hold")), "" + out);
        return out;
    }

    private List<String> hex(String sql, UUID arg) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    byte[] b = rs.getBytes(1);
                    if (b != null) {
                        out.add(HexFormat.of().formatHex(b));
                    }
                }
            }
        }
        return out;
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
            st.executeUpdate();
        }
    }
}
