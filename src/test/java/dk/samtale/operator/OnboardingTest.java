package dk.samtale.operator;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;

import dk.samtale.testing.Api;
import dk.samtale.testing.FakeStaffIdp;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * A new municipality goes live through the operator API only: tenant, units, SMS settings; then its
 * caseworkers (the shared staff IdP, discovered), its citizens (the shared MitID broker) and its case
 * system (client credentials from the caseworkers' issuer) work, a conversation is transferred between
 * units, and the tenant's admin reads the audit trail of all of it.
 */
@QuarkusTest
class OnboardingTest {

    @Inject
    Pool pool;

    private static final String OPERATOR = Tokens.operator("ops-cli");

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 6);
    }

    /** A municipality code no other test uses (100..899; testby is 901). */
    private static String freshCode() {
        for (int attempt = 0; attempt < 50; attempt++) {
            String code = String.valueOf(100 + (int) (Math.random() * 800));
            List<String> taken = Api.as(OPERATOR).get("/api/v1/operator/tenants").then().statusCode(200).extract()
                    .path("items.municipalityCode");
            if (!taken.contains(code)) {
                return code;
            }
        }
        throw new IllegalStateException("no free municipality code");
    }

    @Test
    void aMunicipalityGoesLiveThroughTheOperatorApiOnly() throws Exception {
        String code = freshCode();
        String slug = unique("nyby-");
        String groupGuid = UUID.randomUUID().toString();
        String kirsten = FakeStaffIdp.staffToken(code, unique("k-"), "Karen Kvist", groupGuid);

        // before the tenant exists a valid token is refused, once, with no stack trace
        Api.as(kirsten).get("/api/v1/me").then().statusCode(401);

        String tenantId = Api.as(OPERATOR)
                .body(Map.of("slug", slug, "name", "Nyby Kommune", "municipalityCode", code))
                .post("/api/v1/operator/tenants").then().statusCode(201)
                .body("slug", equalTo(slug)).body("municipalityCode", equalTo(code)).extract().path("id");
        String jobcenter = Api.as(OPERATOR)
                .body(Map.of("name", "Jobcenter", "externalIds", List.of(groupGuid, "/jobcenter/team-ung")))
                .post("/api/v1/operator/tenants/" + tenantId + "/units").then().statusCode(201)
                .body("externalIds", contains(groupGuid, "/jobcenter/team-ung")).extract().path("id");
        String boernOgUnge = Api.as(OPERATOR).body(Map.of("name", "Børn og Unge", "externalIds", List.of("bou")))
                .post("/api/v1/operator/tenants/" + tenantId + "/units").then().statusCode(201).extract().path("id");
        Api.as(OPERATOR).get("/api/v1/operator/tenants/" + tenantId + "/units").then().statusCode(200)
                .body("items.name", containsInAnyOrder("Jobcenter", "Børn og Unge"));
        String receiver = "459" + (10000000 + (int) (Math.random() * 89999999));
        Api.as(OPERATOR).body(Map.of("sender", "Nyby", "receiver", receiver, "escalationDelay", "PT30M",
                "defaultUnitId", jobcenter)).put("/api/v1/operator/tenants/" + tenantId + "/sms").then()
                .statusCode(200).body("escalationDelay", equalTo("PT30M")).body("quietStart", equalTo("21:00"))
                .body("zone", equalTo("Europe/Copenhagen")).body("defaultUnitId", equalTo(jobcenter));
        Api.as(OPERATOR).get("/api/v1/operator/tenants/" + tenantId + "/sms").then().statusCode(200)
                .body("receiver", equalTo(receiver));

        // the caseworker (a member of the unit through the second of its ids too), a citizen, the case system
        Api.as(kirsten).get("/api/v1/me").then().statusCode(200).body("kind", equalTo("staff"))
                .body("tenant.id", equalTo(tenantId)).body("units.id", contains(jobcenter));
        String kirstenId = Api.as(kirsten).get("/api/v1/me").then().extract().path("id");
        String citizen = FakeStaffIdp.citizenToken(code, "1212121212", "Nora Ny");
        String conversation = World.openConversation(citizen, jobcenter);
        World.send(citizen, conversation, "Hej, jeg har et spørgsmål");
        Api.as(kirsten).get("/api/v1/conversations").then().statusCode(200).body("items.id", hasItem(conversation));
        World.send(kirsten, conversation, "Hej Nora, hvad kan jeg hjælpe med?");
        Api.as(citizen).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .body("items.body", contains("Hej, jeg har et spørgsmål", "Hej Nora, hvad kan jeg hjælpe med?"));
        String caseSystem = FakeStaffIdp.clientCredentialsToken(code, FakeStaffIdp.CASE_SYSTEM_CLIENT,
                "journal-reader", "admin");
        Api.as(caseSystem).get("/api/v1/me").then().statusCode(200).body("kind", equalTo("service"))
                .body("tenant.id", equalTo(tenantId));
        Api.as(caseSystem).get("/api/v1/journal/entries").then().statusCode(200);

        // another unit's caseworker sees nothing; assigning is limited to staff of the conversation's unit
        String bo = FakeStaffIdp.staffToken(code, unique("b-"), "Bo Børn", "bou");
        String boId = Api.as(bo).get("/api/v1/me").then().statusCode(200).extract().path("id");
        Api.as(bo).get("/api/v1/conversations/" + conversation).then().statusCode(404);
        Api.as(kirsten).body(Map.of("staffId", boId)).post("/api/v1/conversations/" + conversation + "/assign")
                .then().statusCode(404);
        Api.as(kirsten).body(Map.of("staffId", kirstenId)).post("/api/v1/conversations/" + conversation + "/assign")
                .then().statusCode(200).body("assignee.id", equalTo(kirstenId));

        // transfer: the citizen is told, the new unit sees the history, the old one no longer sees it
        Api.as(bo).body(Map.of("unitId", jobcenter)).post("/api/v1/conversations/" + conversation + "/transfer")
                .then().statusCode(404);
        Api.as(kirsten).body(Map.of("unitId", World.UNIT_X))
                .post("/api/v1/conversations/" + conversation + "/transfer").then().statusCode(404);
        Api.as(kirsten).body(Map.of("unitId", boernOgUnge))
                .post("/api/v1/conversations/" + conversation + "/transfer").then().statusCode(204);
        Api.as(kirsten).get("/api/v1/conversations/" + conversation).then().statusCode(404);
        Api.as(bo).get("/api/v1/conversations/" + conversation).then().statusCode(200)
                .body("unit.id", equalTo(boernOgUnge)).body("assignee", nullValue());
        Api.as(bo).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .body("items", hasSize(3))
                .body("items[2].sender.kind", equalTo("system"))
                .body("items[2].body", equalTo("Din samtale er flyttet til Børn og Unge."));
        Api.as(citizen).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .body("items[2].body", equalTo("Din samtale er flyttet til Børn og Unge."));
        // the transfer is in the case file: an entry of its own in the chain, naming both units
        String transferEntry = awaitJournalEntry(caseSystem, conversation, "conversation-transferred");
        assertTrue(transferEntry.contains("Jobcenter") && transferEntry.contains("Børn og Unge"),
                "the transfer entry names both units: " + transferEntry);
        Api.as(bo).body(Map.of("staffId", kirstenId)).post("/api/v1/conversations/" + conversation + "/assign")
                .then().statusCode(404);
        Api.as(bo).body(Map.of("staffId", boId)).post("/api/v1/conversations/" + conversation + "/assign")
                .then().statusCode(200);

        // a CPR lookup is audited by ids only
        String found = Api.as(bo).body(Map.of("cpr", "1212121212")).post("/api/v1/citizens/lookup").then()
                .statusCode(200).extract().path("id");

        // the tenant's admin reads the trail: every step, ids only, newest first
        String trail = awaitAudit(caseSystem, "citizen.looked-up-by-cpr").extract().asString();
        assertFalse(trail.contains("1212121212"), "no CPR in the audit trail");
        assertFalse(trail.contains("spørgsmål"), "no message text in the audit trail");
        Api.as(caseSystem).get("/api/v1/admin/audit?limit=200").then().statusCode(200)
                .body("items.action", hasItems("tenant.created", "unit.created", "sms-settings.changed",
                        "conversation.assigned", "conversation.transferred", "citizen.looked-up-by-cpr"))
                .body("items.find { it.action == 'conversation.transferred' }.detail.fromUnitId", equalTo(jobcenter))
                .body("items.find { it.action == 'conversation.transferred' }.actor.id", equalTo(kirstenId))
                .body("items.find { it.action == 'citizen.looked-up-by-cpr' }.targetId", equalTo(found))
                .body("items.find { it.action == 'tenant.created' }.actor.kind", equalTo("operator"))
                .body("items.find { it.action == 'tenant.created' }.actor.client", equalTo("ops-cli"));
        Api.as(caseSystem).get("/api/v1/admin/audit?action=conversation.assigned").then().statusCode(200)
                .body("items", hasSize(2)).body("items.action", everyItem(equalTo("conversation.assigned")));
        Api.as(caseSystem).get("/api/v1/admin/audit?actorId=" + boId).then().statusCode(200)
                .body("items.actor.id", everyItem(equalTo(boId)));
        // paging: two at a time until the end, no entry twice
        List<String> all = Api.as(caseSystem).get("/api/v1/admin/audit?limit=200").then().extract().path("items.id");
        List<String> paged = new java.util.ArrayList<>();
        String next = null;
        do {
            var page = Api.as(caseSystem).get("/api/v1/admin/audit?limit=2" + (next == null ? "" : "&before=" + next))
                    .then().statusCode(200).extract();
            paged.addAll(page.path("items.id"));
            next = page.path("next");
        } while (next != null);
        assertEquals(all, paged);
        // another tenant's admin sees none of it
        Api.as(Tokens.service("testby", "testby-admin", "admin")).get("/api/v1/admin/audit?limit=200").then()
                .statusCode(200).body("items.targetId", not(hasItem(conversation)));
    }

    private static ValidatableResponse awaitAudit(String admin, String action) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            ValidatableResponse r = Api.as(admin).get("/api/v1/admin/audit?action=" + action).then().statusCode(200);
            if (!r.extract().<List<String>>path("items").isEmpty()) {
                return r;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no audit entry " + action);
    }

    @Test
    void onlyPlatformOperatorsMayUseTheOperatorApi() {
        Api.anonymous().get("/api/v1/operator/tenants").then().statusCode(401);
        // a tenant's own admin, and a platform-admin role from an issuer not trusted for operators
        Api.as(Tokens.service("testby", "testby-admin", "admin")).get("/api/v1/operator/tenants").then()
                .statusCode(403);
        Api.as(Tokens.service("testby", "sneaky", "platform-admin")).get("/api/v1/operator/tenants").then()
                .statusCode(403);
        Api.as(World.staffX()).body(Map.of("slug", "x-" + UUID.randomUUID().toString().substring(0, 4), "name", "X"))
                .post("/api/v1/operator/tenants").then().statusCode(403);
        Api.as(OPERATOR).get("/api/v1/operator/tenants").then().statusCode(200).body("items.slug", hasItem("testby"));
    }

    @Test
    void conflictsAndBadInputAreClearProblems() {
        Api.as(OPERATOR).body(Map.of("slug", "testby", "name", "Igen")).post("/api/v1/operator/tenants").then()
                .statusCode(409).body("code", equalTo("tenant-exists"));
        Api.as(OPERATOR).body(Map.of("slug", "Not A Slug", "name", "X")).post("/api/v1/operator/tenants").then()
                .statusCode(400).body("code", equalTo("invalid-field")).body("errors[0].field", equalTo("slug"));
        Api.as(OPERATOR).body(Map.of("slug", unique("t-"), "name", "X", "municipalityCode", "12"))
                .post("/api/v1/operator/tenants").then().statusCode(400).body("errors[0].field",
                        equalTo("municipalityCode"));
        String testby = "00000000-0000-7000-8000-000000000001";
        // unit-x is unit X's: another unit may not claim it, and nothing is half-made
        String name = unique("Dublet ");
        Api.as(OPERATOR).body(Map.of("name", name, "externalIds", List.of(unique("g-"), "unit-x")))
                .post("/api/v1/operator/tenants/" + testby + "/units").then().statusCode(409)
                .body("code", equalTo("external-id-in-use"));
        Api.as(OPERATOR).get("/api/v1/operator/tenants/" + testby + "/units").then().statusCode(200)
                .body("items.name", not(hasItem(name)));
        Api.as(OPERATOR).body(Map.of("name", "X", "externalIds", List.of())).post(
                "/api/v1/operator/tenants/" + testby + "/units").then().statusCode(400);
        Api.as(OPERATOR).get("/api/v1/operator/tenants/" + UUID.randomUUID() + "/units").then().statusCode(404);
        Api.as(OPERATOR).body(Map.of("sender", "Testby", "receiver", "4512340001")).put(
                "/api/v1/operator/tenants/" + testby + "/sms").then().statusCode(409)
                .body("code", equalTo("phone-in-use"));
        Api.as(OPERATOR).body(Map.of("sender", "Testby", "receiver", "4512340000", "defaultUnitId", World.UNIT_Z))
                .put("/api/v1/operator/tenants/" + testby + "/sms").then().statusCode(400)
                .body("errors[0].field", equalTo("defaultUnitId"));
    }

    @Test
    void aUnitsExternalIdsCanBeReplacedAndStaffFollowOnTheirNextToken() {
        String testby = "00000000-0000-7000-8000-000000000001";
        String g1 = unique("g1-");
        String g2 = unique("g2-");
        String unit = Api.as(OPERATOR).body(Map.of("name", unique("Enhed "), "externalIds", List.of(g1)))
                .post("/api/v1/operator/tenants/" + testby + "/units").then().statusCode(201).extract().path("id");
        Api.as(Tokens.staff("testby", unique("s-"), "Sara", g1)).get("/api/v1/me").then()
                .body("units.id", contains(unit));
        Api.as(OPERATOR).body(Map.of("name", "Omdøbt", "externalIds", List.of(g2, g1 + "-ny")))
                .put("/api/v1/operator/tenants/" + testby + "/units/" + unit).then().statusCode(200)
                .body("externalIds", contains(g2, g1 + "-ny"));
        Api.as(Tokens.staff("testby", unique("s-"), "Sara", g1)).get("/api/v1/me").then()
                .body("units", org.hamcrest.Matchers.empty());
        Api.as(Tokens.staff("testby", unique("s-"), "Sara", g1 + "-ny")).get("/api/v1/me").then()
                .body("units.id", contains(unit)).body("units[0].name", equalTo("Omdøbt"));
    }

    @Test
    void shreddingATenantsKeysForgetsTheNamesOfItsCallersAtOnce() {
        String code = freshCode();
        String slug = unique("shred-");
        Api.as(OPERATOR).body(Map.of("slug", slug, "name", "Shredby", "municipalityCode", code))
                .post("/api/v1/operator/tenants").then().statusCode(201);
        String citizen = FakeStaffIdp.citizenToken(code, "0404044444", "Signe Slet");
        String before = Api.as(citizen).get("/api/v1/me").then().statusCode(200).body("name", equalTo("Signe Slet"))
                .extract().path("id");
        String admin = FakeStaffIdp.clientCredentialsToken(code, FakeStaffIdp.CASE_SYSTEM_CLIENT, "admin");
        Api.as(admin).body(Map.of("confirm", slug)).post("/api/v1/admin/keys/shred").then().statusCode(200);
        // the same token: its cached caller (with the decrypted name) is gone; resolved again, the CPR's blind
        // index under the new keys finds nothing of the shredded past, so the citizen starts afresh
        Api.as(citizen).get("/api/v1/me").then().statusCode(200).body("id", not(equalTo(before)));
        Api.as(admin).get("/api/v1/admin/audit?action=keys.shredded").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].actor.kind", equalTo("service"));
    }

    @Test
    void everyStaffActionOfTheIssueLandsInTheTrailWithIdsOnly() throws Exception {
        String testby = "00000000-0000-7000-8000-000000000001";
        String group = unique("audit-");
        String unit = Api.as(OPERATOR).body(Map.of("name", unique("Revision "), "externalIds", List.of(group)))
                .post("/api/v1/operator/tenants/" + testby + "/units").then().statusCode(201).extract().path("id");
        String staff = Tokens.staff("testby", unique("r-"), "Rikke Revision", group);
        String staffId = Api.as(staff).get("/api/v1/me").then().statusCode(200).extract().path("id");
        String conversation = World.openConversation(World.citizenA(), unit);
        String c = "/api/v1/conversations/" + conversation;
        Api.as(staff).post(c + "/close").then().statusCode(200);
        Api.as(staff).post(c + "/reopen").then().statusCode(200);
        Api.as(staff).body(Map.of("caseNumber", "2026-000001", "kleClass", "15.17.06")).put(c + "/case").then()
                .statusCode(200);
        String note = Api.as(staff).body(Map.of("body", "Hemmelig note om borgeren")).post(c + "/notes").then()
                .statusCode(201).extract().path("id");
        String templates = "/api/v1/units/" + unit + "/templates";
        String template = Api.as(staff).body(Map.of("title", "Hej", "body", "Hej med dig")).post(templates).then()
                .statusCode(201).extract().path("id");
        Api.as(staff).body(Map.of("title", "Hej!", "body", "Hej med dig")).put(templates + "/" + template).then()
                .statusCode(200);
        Api.as(staff).delete(templates + "/" + template).then().statusCode(204);
        Api.as(staff).body(Map.of("timeZone", "Europe/Copenhagen", "weekly", Map.of(), "enabled", false))
                .put("/api/v1/units/" + unit + "/office-hours").then().statusCode(200);
        String admin = Tokens.service("testby", "testby-admin", "admin");
        String trail = Api.as(admin).get("/api/v1/admin/audit?limit=200&actorId=" + staffId).then().statusCode(200)
                .body("items.action", containsInAnyOrder("office-hours.changed", "template.deleted",
                        "template.updated", "template.created", "note.added", "conversation.case-reference-set",
                        "conversation.reopened", "conversation.closed"))
                .body("items.find { it.action == 'note.added' }.targetId", equalTo(note))
                .body("items.find { it.action == 'note.added' }.detail.conversationId", equalTo(conversation))
                .extract().asString();
        assertFalse(trail.contains("Hemmelig"), "no note text");
        assertFalse(trail.contains("2026-000001"), "the case number stays in the conversation");
        Api.as(admin).get("/api/v1/admin/audit?targetId=" + conversation).then().statusCode(200)
                .body("items", hasSize(3));
        Api.as(admin).get("/api/v1/admin/audit?action=nonsense").then().statusCode(400);
        Api.as(World.staffX()).get("/api/v1/admin/audit").then().statusCode(403);
    }

    @Test
    void theAuditTrailIsAppendOnly() {
        pool.query(
                """
                        INSERT INTO audit_entry (id, tenant_id, at, actor_kind, action, target_type)
                        VALUES (gen_random_uuid(), '00000000-0000-7000-8000-000000000001', now(), 'staff', 'note.added', 'note')""")
                .execute().await().indefinitely();
        Exception e = assertThrows(Exception.class, () -> pool.query("UPDATE audit_entry SET action = 'x'")
                .execute().await().indefinitely());
        assertTrue(e.getMessage().contains("append-only"), e.getMessage());
        e = assertThrows(Exception.class, () -> pool.query("DELETE FROM audit_entry").execute().await()
                .indefinitely());
        assertTrue(e.getMessage().contains("append-only"), e.getMessage());
    }

    /** The decoded payload of the conversation's first journal entry of that documentType (waits for the sequencer). */
    private static String awaitJournalEntry(String reader, String conversationId, String documentType)
            throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            java.util.List<java.util.Map<String, Object>> items = Api.as(reader)
                    .get("/api/v1/journal/entries?after=0&limit=1000").then().statusCode(200).extract().jsonPath()
                    .getList("items");
            for (java.util.Map<String, Object> item : items) {
                if (conversationId.equals(item.get("conversationId"))) {
                    String payload = new String(java.util.Base64.getDecoder().decode((String) item.get("payload")),
                            java.nio.charset.StandardCharsets.UTF_8);
                    if (documentType
                            .equals(io.restassured.path.json.JsonPath.from(payload).getString("documentType"))) {
                        return payload;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + documentType + " entry for the conversation in the journal");
    }
}
