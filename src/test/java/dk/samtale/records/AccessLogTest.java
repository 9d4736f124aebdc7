package dk.samtale.records;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.testing.Api;
import dk.samtale.testing.TestClock;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;
import dk.samtale.testing.WsClient;

/**
 * The access log (issue 16): an entry for each kind of access to a citizen's data, none per message for a
 * live socket, repeats within the window coalesced, the purpose recorded, never text or CPR, a hash chain
 * that finds a tampered entry, pruning past the retention period in batches, and who may read it.
 */
@QuarkusTest
class AccessLogTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final UUID TESTBY = UUID.fromString("00000000-0000-7000-8000-000000000001");
    static final UUID ANDENBY = UUID.fromString("00000000-0000-7000-8000-000000000002");
    static final String UNIT_J = "00000000-0000-7000-8000-0000000000d1";

    @Inject
    BufferedAccessLog buffer;

    @Inject
    AccessLogStore store;

    @Inject
    AccessLogPruning pruning;

    @Inject
    Pool pool;

    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static String admin() {
        return Tokens.service("testby", "ops", "admin");
    }

    static String dpo() {
        return Tokens.staff("testby", "dora", "Dora Dahl", "dpo");
    }

    /** A citizen of testby nobody has seen before, with a conversation with unit X. */
    record Fresh(String token, String cpr, String name, String conversationId, UUID citizenId) {
    }

    Fresh fresh(String tenant, String unit) {
        String cpr = dk.samtale.testing.People.adultCpr();
        String name = "Adgang " + UUID.randomUUID().toString().substring(0, 8);
        String token = Tokens.citizen(tenant, cpr, name);
        String conversation = World.openConversation(token, unit);
        UUID citizenId = pool.preparedQuery("SELECT citizen_id FROM conversation WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(conversation))).await().atMost(WAIT).iterator().next()
                .getUUID(0);
        return new Fresh(token, cpr, name, conversation, citizenId);
    }

    JsonPath entries(String token, String query) throws Exception {
        buffer.flushAll();
        return Api.as(token).get("/api/v1/admin/access-log?" + query).then().statusCode(200).extract().jsonPath();
    }

    List<String> kinds(String token, UUID citizenId) throws Exception {
        // (reading the log by citizen is itself an access: left out here)
        List<String> kinds = entries(token, "citizenId=" + citizenId + "&limit=200").getList("items.kind");
        return kinds.stream().filter(k -> !k.equals("access-log-queried")).toList();
    }

    @Test
    void staffOpeningAConversationAndPagingItsMessagesIsOneEntryEachPerWindowWithPurposeAndNoText() throws Exception {
        Fresh c = fresh("testby", World.UNIT_X);
        String marker = "Hemmelig besked " + UUID.randomUUID();
        World.send(c.token(), c.conversationId(), marker);
        for (int i = 0; i < 3; i++) {
            Api.as(World.staffX()).get("/api/v1/conversations/" + c.conversationId()).then().statusCode(200);
            Api.as(World.staffX()).get("/api/v1/conversations/" + c.conversationId() + "/messages").then()
                    .statusCode(200);
        }
        // the citizen reading their own conversation is not an access to record
        Api.as(c.token()).get("/api/v1/conversations/" + c.conversationId() + "/messages").then().statusCode(200);
        JsonPath page = entries(admin(), "citizenId=" + c.citizenId());
        assertEquals(List.of("messages-read", "conversation-opened"), page.getList("items.kind"));
        assertEquals(List.of("staff", "staff"), page.getList("items.actor.kind"));
        assertEquals(List.of("Kirsten Kvist", "Kirsten Kvist"), page.getList("items.actor.name"));
        assertEquals(List.of("sagsbehandling", "sagsbehandling"), page.getList("items.purpose"));
        assertEquals(List.of(World.UNIT_X, World.UNIT_X), page.getList("items.unit.id"));
        assertEquals(List.of(c.conversationId(), c.conversationId()), page.getList("items.conversationId"));
        // ids only: no text, no CPR, no name in any column of the citizen's rows
        String rows = pool.preparedQuery("SELECT string_agg(a::text, '|') FROM access_log a WHERE citizen_id = $1")
                .execute(Tuple.of(c.citizenId())).await().atMost(WAIT).iterator().next().getString(0);
        assertFalse(rows.contains(marker) || rows.contains(c.cpr()) || rows.contains(c.name()), rows);

        // after the window, the same reading is a new entry
        clock.advance(Duration.ofMinutes(11));
        Api.as(World.staffX()).get("/api/v1/conversations/" + c.conversationId() + "/messages").then().statusCode(200);
        assertEquals(List.of("messages-read", "messages-read", "conversation-opened"), kinds(admin(), c.citizenId()));
    }

    @Test
    void searchResultsACitizensListAndACprLookupAreRecorded() throws Exception {
        Fresh c = fresh("testby", World.UNIT_X);
        Api.as(World.staffX()).get("/api/v1/conversations?q=" + c.name().split(" ")[1]).then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.hasItem(c.conversationId()));
        Api.as(World.staffX()).body(Map.of("cpr", c.cpr())).post("/api/v1/citizens/lookup").then().statusCode(200);
        JsonPath page = entries(admin(), "citizenId=" + c.citizenId());
        assertEquals(List.of("cpr-lookup", "search-result"), page.getList("items.kind"));
        assertNull(page.get("items[0].conversationId"));
        assertNull(page.get("items[0].unit"));
        assertEquals(c.conversationId(), page.get("items[1].conversationId"));
        // the inbox's citizen panel (conversations narrowed to one citizen) shows the citizen too
        Fresh d = fresh("testby", World.UNIT_X);
        Api.as(World.staffX()).get("/api/v1/conversations?citizenId=" + d.citizenId()).then().statusCode(200);
        assertEquals(List.of("search-result"), kinds(admin(), d.citizenId()));
    }

    @Test
    void aLiveSocketReceivingMessagesWritesNoEntryPerMessage() throws Exception {
        Fresh c = fresh("testby", World.UNIT_X);
        try (WsClient staff = WsClient.connect(World.staffX())) {
            for (int i = 0; i < 5; i++) {
                World.send(c.token(), c.conversationId(), "Live " + i);
                staff.await(f -> "message".equals(f.path("type").asText())
                        && c.conversationId().equals(f.path("message").path("conversationId").asText()),
                        "message " + i);
            }
        }
        assertEquals(List.of(), kinds(admin(), c.citizenId()));
        Api.as(World.staffX()).get("/api/v1/conversations/" + c.conversationId() + "/messages").then().statusCode(200);
        assertEquals(List.of("messages-read"), kinds(admin(), c.citizenId()));
    }

    @Test
    void theCaseSystemPullingJournalEntriesIsRecordedAsItsClient() throws Exception {
        Fresh c = fresh("journalby", UNIT_J);
        String reader = Tokens.service("journalby", "sbsys", "journal-reader");
        long head = Api.as(reader).get("/api/v1/journal/entries?limit=1").then().statusCode(200).extract().jsonPath()
                .getLong("headPosition");
        World.send(c.token(), c.conversationId(), "Til journalen");
        String[] entryId = new String[1];
        Instant deadline = Instant.now().plus(WAIT);
        while (entryId[0] == null && Instant.now().isBefore(deadline)) {
            List<Map<String, Object>> items = Api.as(reader)
                    .get("/api/v1/journal/entries?after=" + head + "&limit=1000")
                    .then().statusCode(200).extract().jsonPath().getList("items");
            items.stream().filter(i -> c.conversationId().equals(i.get("conversationId"))).findFirst()
                    .ifPresent(i -> entryId[0] = (String) i.get("id"));
            Thread.sleep(100);
        }
        assertTrue(entryId[0] != null, "the message was journaled");
        String admin = Tokens.service("journalby", "ops", "admin");
        JsonPath page = entries(admin, "citizenId=" + c.citizenId() + "&kind=journal-pulled");
        assertEquals(List.of("journal-pulled"), page.getList("items.kind"));
        assertEquals("service", page.get("items[0].actor.kind"));
        assertEquals("sbsys", page.get("items[0].actor.client"));
        assertEquals("journalisering", page.get("items[0].purpose"));
        assertEquals(c.conversationId(), page.get("items[0].conversationId"));
        // by client
        assertTrue(entries(admin, "client=sbsys").getList("items.citizenId").contains(c.citizenId().toString()));
    }

    @Test
    void staffDownloadingACitizensFileIsRecordedButNotItsThumbnailOrTheCitizensOwn() throws Exception {
        Fresh c = fresh("testby", World.UNIT_X);
        String path = "/api/v1/conversations/" + c.conversationId() + "/attachments";
        String file = Api.as(c.token()).contentType("image/png")
                .header("Content-Disposition", "attachment; filename=\"bilag.png\"").body(InsightReportTest.png())
                .post(path).then().statusCode(201).extract().path("id");
        Api.as(c.token()).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", "Bilag",
                "attachmentIds", List.of(file))).post("/api/v1/conversations/" + c.conversationId() + "/messages")
                .then().statusCode(201);
        given().auth().oauth2(c.token()).get(path + "/" + file).then().statusCode(200);
        given().auth().oauth2(World.staffX()).get(path + "/" + file + "/thumbnail").then().statusCode(200);
        assertEquals(List.of(), kinds(admin(), c.citizenId()));
        given().auth().oauth2(World.staffX()).get(path + "/" + file).then().statusCode(200);
        assertEquals(List.of("file-opened"), kinds(admin(), c.citizenId()));
    }

    @Test
    void exportingAConversationAsPdfIsRecorded() throws Exception {
        Fresh c = fresh("testby", World.UNIT_X);
        given().auth().oauth2(World.staffX()).accept("application/pdf")
                .get("/api/v1/conversations/" + c.conversationId() + "/document").then().statusCode(200);
        assertEquals(List.of("conversation-exported"), kinds(admin(), c.citizenId()));
    }

    @Test
    void onlyTheTenantsAdminsAndItsDpoReadTheLogAndOnlyTheirOwnTenants() throws Exception {
        Fresh c = fresh("testby", World.UNIT_X);
        Api.as(World.staffX()).get("/api/v1/conversations/" + c.conversationId()).then().statusCode(200);
        buffer.flushAll();
        String query = "/api/v1/admin/access-log?citizenId=" + c.citizenId();
        for (String other : List.of(c.token(), World.staffX(), Tokens.service("testby", "sbsys", "journal-reader"))) {
            Api.as(other).get(query).then().statusCode(403).body("code", equalTo("forbidden"));
            Api.as(other).get("/api/v1/admin/access-log/verification").then().statusCode(403);
        }
        Api.as(dpo()).get(query).then().statusCode(200).body("items.kind",
                org.hamcrest.Matchers.hasItem("conversation-opened"));
        Api.as(dpo()).get("/api/v1/admin/access-log/verification").then().statusCode(200).body("intact", equalTo(true));
        Api.as(dpo()).body(Map.of("showStaffToCitizen", true)).put("/api/v1/admin/access-log/settings").then()
                .statusCode(403);
        // another municipality's admin finds nothing about this citizen
        Api.as(Tokens.service("andenby", "ops", "admin")).get(query).then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
        // the DPO's and the admin's lookups of this citizen are accesses too
        List<String> kinds = entries(admin(), "citizenId=" + c.citizenId()).getList("items.kind");
        assertTrue(kinds.contains("access-log-queried"), kinds.toString());
        Api.as(admin()).get("/api/v1/admin/access-log?kind=nonsense").then().statusCode(400)
                .body("code", equalTo("invalid-field"));
    }

    @Test
    void theChainIsAppendOnlyAndATamperedEntryIsFound() throws Exception {
        Fresh c = fresh("testby", World.UNIT_X);
        Api.as(World.staffX()).get("/api/v1/conversations/" + c.conversationId()).then().statusCode(200);
        buffer.flushAll();
        assertTrue(store.verify(TESTBY).intact());
        long position = pool.preparedQuery("SELECT position FROM access_log WHERE citizen_id = $1")
                .execute(Tuple.of(c.citizenId())).await().atMost(WAIT).iterator().next().getLong(0);
        Tuple at = Tuple.of(TESTBY, position);
        assertThrows(Exception.class, () -> pool.preparedQuery(
                "UPDATE access_log SET purpose = 'andet' WHERE tenant_id = $1 AND position = $2").execute(at)
                .await().atMost(WAIT));
        assertThrows(Exception.class, () -> pool.preparedQuery(
                "DELETE FROM access_log WHERE tenant_id = $1 AND position = $2").execute(at).await().atMost(WAIT));
        // someone with the database's owner rights gets past the trigger: the chain still tells
        tamper("andet", at);
        try {
            AccessLogStore.Verification v = store.verify(TESTBY);
            assertFalse(v.intact());
            assertEquals(position, v.brokenAt());
            assertEquals("hash mismatch", v.problem());
            Api.as(admin()).get("/api/v1/admin/access-log/verification").then().statusCode(200)
                    .body("intact", equalTo(false)).body("brokenAt", equalTo((int) position));
        } finally {
            tamper("sagsbehandling", at);
        }
        assertTrue(store.verify(TESTBY).intact());
    }

    private void tamper(String purpose, Tuple at) {
        pool.withTransaction(tx -> tx.query("ALTER TABLE access_log DISABLE TRIGGER access_log_append_only").execute()
                .flatMap(x -> tx.preparedQuery(
                        "UPDATE access_log SET purpose = '" + purpose + "' WHERE tenant_id = $1 AND position = $2")
                        .execute(at))
                .flatMap(x -> tx.query("ALTER TABLE access_log ENABLE TRIGGER access_log_append_only").execute()))
                .await().atMost(WAIT);
    }

    @Test
    void entriesPastTheRetentionPeriodArePrunedOldestFirstInBatchesAndTheRestStillVerifies() throws Exception {
        String first = World.openConversation(World.citizenOfAndenby(), World.UNIT_Z);
        Api.as(World.staffOfAndenby()).get("/api/v1/conversations/" + first).then().statusCode(200);
        Api.as(World.staffOfAndenby()).get("/api/v1/conversations/" + first + "/messages").then().statusCode(200);
        Api.as(World.staffOfAndenby()).get("/api/v1/conversations?q=Carl").then().statusCode(200);
        buffer.flushAll();
        AccessLogStore.Verification before = store.verify(ANDENBY);
        assertTrue(before.intact());
        assertTrue(before.checked() >= 3, before.toString());
        // nothing is due yet
        assertEquals(0, store.prune(ANDENBY, Instant.now().minus(Duration.ofDays(1)), 2));
        // a bounded batch: the two oldest go, the anchor moves, the rest verifies
        assertEquals(2, store.prune(ANDENBY, Instant.now().plusSeconds(1), 2));
        AccessLogStore.Verification after = store.verify(ANDENBY);
        assertTrue(after.intact(), after.toString());
        assertEquals(before.firstPosition() + 2, after.firstPosition());
        assertEquals(before.checked() - 2, after.checked());
        // the configured period: three years later, the job prunes the rest of the tenant's old entries
        clock.advance(Duration.ofDays(1096));
        while (pruning.prune(ANDENBY) == dk.samtale.platform.Relay.Pass.MORE) {
            // next batch
        }
        AccessLogStore.Verification empty = store.verify(ANDENBY);
        assertTrue(empty.intact(), empty.toString());
        assertEquals(0, empty.checked());
        clock.reset();
        // new entries chain on from the anchor
        buffer.forgetAll();
        Api.as(World.staffOfAndenby()).get("/api/v1/conversations/" + first).then().statusCode(200);
        buffer.flushAll();
        AccessLogStore.Verification next = store.verify(ANDENBY);
        assertTrue(next.intact(), next.toString());
        assertEquals(1, next.checked());
        assertEquals(empty.headPosition() + 1, next.headPosition());
    }

    @Test
    void aUnitsOwnPurposeIsRecordedForItsConversations() throws Exception {
        try {
            Api.as(admin()).body(Map.of("unitPurposes", List.of(Map.of("unitId", World.UNIT_Y, "purpose", "børnesag"))))
                    .put("/api/v1/admin/access-log/settings").then().statusCode(200)
                    .body("unitPurposes.purpose", org.hamcrest.Matchers.hasItem("børnesag"))
                    .body("defaultPurpose", equalTo("sagsbehandling"));
            Fresh c = fresh("testby", World.UNIT_Y);
            Api.as(World.staffY()).get("/api/v1/conversations/" + c.conversationId()).then().statusCode(200);
            assertEquals(List.of("børnesag"),
                    entries(dpo(), "citizenId=" + c.citizenId() + "&kind=conversation-opened")
                            .getList("items.purpose"));
            // another municipality's unit: not found; a purpose that is no text: invalid
            Api.as(admin()).body(Map.of("unitPurposes", List.of(Map.of("unitId", World.UNIT_Z, "purpose", "x"))))
                    .put("/api/v1/admin/access-log/settings").then().statusCode(404);
            Api.as(admin()).body(Map.of("unitPurposes", List.of(Map.of("unitId", World.UNIT_Y, "purpose", " "))))
                    .put("/api/v1/admin/access-log/settings").then().statusCode(400)
                    .body("code", equalTo("invalid-field"));
        } finally {
            java.util.Map<String, Object> reset = new java.util.HashMap<>();
            reset.put("unitId", World.UNIT_Y);
            reset.put("purpose", null);
            Api.as(admin()).body(Map.of("unitPurposes", List.of(reset))).put("/api/v1/admin/access-log/settings").then()
                    .statusCode(200).body("unitPurposes", org.hamcrest.Matchers.empty());
        }
    }
}
