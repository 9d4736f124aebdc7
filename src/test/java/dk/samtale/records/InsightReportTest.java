package dk.samtale.records;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import javax.imageio.ImageIO;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.platform.InsightContributor;
import dk.samtale.testing.Api;
import dk.samtale.testing.SmsGatewayFake;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * The citizen's insight report (GDPR Art. 15), against a citizen seeded through the API with data in every
 * feature: every table that then holds anything of theirs is covered by a section that shows it; the
 * citizen gets it as JSON and as HTML; the DPO produces it by CPR with notes and names; who may do what.
 */
@QuarkusTest
class InsightReportTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    BufferedAccessLog buffer;

    @Inject
    Pool pool;

    @Inject
    @Any
    Instance<InsightContributor> contributors;

    record Seeded(String token, String cpr, String name, UUID citizenId, String conversationId, String phone,
            String marker) {
    }

    /** A citizen with something in every feature: messages, a file, a device, a phone, SMS, notes, journal. */
    Seeded seed() throws Exception {
        String cpr = dk.samtale.testing.People.adultCpr();
        String name = "Indsigt " + UUID.randomUUID().toString().substring(0, 8);
        String marker = UUID.randomUUID().toString().substring(0, 8);
        String citizen = Tokens.citizen("testby", cpr, name);
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String path = "/api/v1/conversations/" + conversation;
        World.send(citizen, conversation, "Borgerens <b>besked</b> " + marker);
        String file = Api.as(citizen).contentType("image/png")
                .header("Content-Disposition", "attachment; filename=\"bilag-" + marker + ".png\"").body(png())
                .post(path + "/attachments").then().statusCode(201).extract().path("id");
        Api.as(citizen).body(Map.of("clientMessageId", UUID.randomUUID().toString(), "body", "Her er bilaget",
                "attachmentIds", List.of(file))).post(path + "/messages").then().statusCode(201);
        Api.as(citizen).body(Map.of("token", "fcm-" + UUID.randomUUID(), "platform", "android", "appVersion", "2.0.1"))
                .post("/api/v1/devices").then().statusCode(201);
        Api.as(citizen).body(Map.of("seq", 2)).post(path + "/read").then().statusCode(204);
        UUID citizenId = citizenId(conversation);
        String staff = World.staffX();
        Api.as(staff).get(path).then().statusCode(200);
        Api.as(staff).body(Map.of("caseNumber", "SAG-" + marker, "kleClass", "15.17.06", "actionFacet", "G01"))
                .put(path + "/case").then().statusCode(200);
        Api.as(staff).body(Map.of("body", "Notat " + marker)).post(path + "/notes").then().statusCode(201);
        String phone = "+452" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
        Api.as(staff).body(Map.of("phone", phone)).put("/api/v1/sms/citizens/" + citizenId + "/phone").then()
                .statusCode(200);
        Api.as(staff).body(Map.of("policy", "sms")).put(path + "/channel-policy").then().statusCode(200);
        World.send(staff, conversation, "Svar fra jobcentret " + marker);
        incomingSms(phone.substring(1), "SMS fra borgeren " + marker);
        return new Seeded(citizen, cpr, name, citizenId, conversation, phone, marker);
    }

    UUID citizenId(String conversation) {
        return pool.preparedQuery("SELECT citizen_id FROM conversation WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(conversation))).await().atMost(WAIT).iterator().next().getUUID(0);
    }

    static byte[] png() throws Exception {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** An SMS from the citizen's number, signed as GatewayAPI signs its webhooks. */
    static void incomingSms(String msisdn, String text) throws Exception {
        Map<String, Object> sms = Map.of("id", ThreadLocalRandom.current().nextLong(1, 1L << 50), "msisdn",
                Long.parseLong(msisdn), "receiver", 4512340000L, "message", text, "senttime", 1_700_000_000L,
                "webhook_label", "samtale");
        JwtClaims claims = new JwtClaims();
        claims.setIssuedAtToNow();
        claims.setJwtId(UUID.randomUUID().toString());
        sms.forEach(claims::setClaim);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(new HmacKey(SmsGatewayFake.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        Api.anonymous().header("X-Gwapi-Signature", jws.getCompactSerialization()).body(sms)
                .post("/api/v1/sms/gatewayapi/incoming").then().statusCode(204);
    }

    /** The citizen's report once the journal has the messages (the sequencer runs after commit). */
    JsonPath report(String token) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        JsonPath r;
        do {
            buffer.flushAll();
            r = Api.as(token).get("/api/v1/me/insight").then().statusCode(200).extract().jsonPath();
        } while (r.getList("sections.journal.items").size() < 3 && Instant.now().isBefore(deadline)
                && sleep());
        return r;
    }

    static boolean sleep() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    @Test
    void theReportIsCompleteAgainstASeededCitizen() throws Exception {
        Seeded s = seed();
        JsonPath r = report(s.token());
        assertEquals("citizen", r.getString("audience"));
        assertEquals(s.citizenId().toString(), r.getString("citizenId"));
        assertEquals("Testby Kommune", r.getString("municipality"));
        assertEquals(s.cpr(), r.getString("sections.profile.items[0].cpr"));
        assertEquals(s.name(), r.getString("sections.profile.items[0].name"));
        String conversation = "sections.conversations.items.find { it.id == '" + s.conversationId() + "' }";
        assertEquals("SAG-" + s.marker(), r.getString(conversation + ".caseNumber"));
        List<String> bodies = r.getList(conversation + ".messages.body");
        assertTrue(bodies.contains("Borgerens <b>besked</b> " + s.marker()), bodies.toString());
        assertTrue(bodies.contains("Svar fra jobcentret " + s.marker()), bodies.toString());
        assertTrue(bodies.contains("SMS fra borgeren " + s.marker()), bodies.toString());
        assertEquals(2, r.getLong(conversation + ".readUpToSeq"));
        assertEquals("bilag-" + s.marker() + ".png", r.getString("sections.attachments.items[0].fileName"));
        assertEquals(List.of("android"), r.getList("sections.devices.items.platform"));
        assertEquals(s.phone(), r.getString("sections.'phone-numbers'.items[0].number"));
        // the SMS became a message: its text is that message's (above), not kept a second time
        assertEquals(List.of("message"), r.getList("sections.'phone-numbers'.items[0].received.outcome"));
        assertNotNull(r.getString("sections.'phone-numbers'.items[0].received[0].messageId"));
        assertEquals(java.util.Collections.singletonList(null),
                r.getList("sections.'phone-numbers'.items[0].received.text"));
        assertTrue(r.getList("sections.'sms-notices'.items.state").size() >= 1);
        assertTrue(r.getList("sections.journal.items.caseNumber").contains("SAG-" + s.marker()),
                r.getList("sections.journal.items").toString());
        // a note exists, its text is the DPO's to assess
        assertEquals(List.of(true),
                r.getList("sections.'staff-notes'.items.findAll { it.kind == 'note' }.textWithheld"));
        assertNull(r.get("sections.'staff-notes'.items.find { it.kind == 'note' }.text"));
        assertTrue(r.getList("sections.'staff-actions'.items.action").contains("conversation.case-reference-set"));
        // who looked: unit, kind, purpose; no employee by default
        Map<String, Object> opened = r.getMap("sections.'access-log'.items.find { it.kind == 'conversation-opened' }");
        assertEquals("Jobcenter – Team Ung", opened.get("unitName"));
        assertEquals("sagsbehandling", opened.get("purpose"));
        assertNull(opened.get("staffName"));
        assertNull(opened.get("staffId"));

        // every table that now holds anything of this citizen's is named by a section, and that section shows it
        Map<String, String> sectionOf = new TreeMap<>();
        for (InsightContributor c : contributors) {
            c.tables().forEach(t -> sectionOf.put(t, c.name()));
        }
        Set<String> holding = tablesHolding(s.citizenId());
        assertTrue(holding.containsAll(Set.of("citizen", "conversation", "message", "attachment", "attachment_chunk",
                "device", "citizen_phone", "sms_inbound", "sms_notice", "journal_entry", "conversation_note",
                "audit_entry", "access_log", "read_cursor")), holding.toString());
        Map<String, String> missing = new TreeMap<>();
        holding.retainAll(productionTables()); // test-only tables (a probe consumer's) are no citizen data
        for (String table : holding) {
            String section = sectionOf.get(table);
            if (section == null) {
                missing.put(table, "no section names it");
            } else if (r.getList("sections.'" + section + "'.items").isEmpty()) {
                missing.put(table, "section " + section + " is empty");
            }
        }
        assertEquals(Map.of(), missing, "tables holding the seeded citizen's data that the report does not show");
    }

    /** The tables the service's own migrations create (not the test data's). */
    static Set<String> productionTables() throws java.io.IOException {
        Set<String> tables = new TreeSet<>();
        var create = java.util.regex.Pattern.compile("CREATE TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)");
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            for (var f : files.toList()) {
                var m = create.matcher(java.nio.file.Files.readString(f));
                while (m.find()) {
                    tables.add(m.group(1));
                }
            }
        }
        return tables;
    }

    /**
     * Tables with a row that refers to the citizen: by their id, or by the id of a row that does (their
     * conversations, its messages, files, entries, ...), followed to a fixpoint over every uuid column.
     */
    Set<String> tablesHolding(UUID citizenId) {
        Map<String, List<String>> uuidColumns = new TreeMap<>();
        for (Row r : pool.query("""
                SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND data_type = 'uuid' AND table_name <> 'flyway_schema_history'
                """).execute().await().atMost(WAIT)) {
            uuidColumns.computeIfAbsent(r.getString(0), t -> new java.util.ArrayList<>()).add(r.getString(1));
        }
        Set<UUID> known = new HashSet<>(Set.of(citizenId));
        Set<String> holding = new TreeSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (var e : uuidColumns.entrySet()) {
                String table = e.getKey();
                String any = String.join(" OR ", e.getValue().stream().map(c -> c + " = ANY($1)").toList());
                boolean hasId = e.getValue().contains("id");
                var rows = pool.preparedQuery("SELECT " + (hasId ? "id" : "NULL::uuid") + " FROM " + table + " WHERE "
                        + any).execute(Tuple.of((Object) known.toArray(UUID[]::new))).await().atMost(WAIT);
                if (rows.size() > 0) {
                    holding.add(table);
                    for (Row row : rows) {
                        UUID id = row.getUUID(0);
                        if (id != null && known.add(id)) {
                            grew = true;
                        }
                    }
                }
            }
        }
        return holding;
    }

    @Test
    void theCitizenGetsItAsAReadableHtmlDocumentToSave() throws Exception {
        Seeded s = seed();
        String html = given().auth().oauth2(s.token()).accept("text/html").get("/api/v1/me/insight").then()
                .statusCode(200).contentType(containsString("text/html"))
                .header("Content-Disposition", containsString("attachment; filename=\"samtale-indsigt-"))
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .body(not(containsString("<script"))).extract().asString();
        assertTrue(html.contains("<h1>Indsigt i dine oplysninger</h1>"), html);
        assertTrue(html.contains("Borgerens &lt;b&gt;besked&lt;/b&gt; " + s.marker()), "escaped message text");
        assertFalse(html.contains("<b>besked</b>"));
        assertTrue(html.contains(s.name()) && html.contains(s.cpr()) && html.contains("Hvem har set dine oplysninger"));
        assertTrue(html.contains("Jobcenter – Team Ung"));
    }

    @Test
    void theDpoProducesTheSameReportByCprWithNotesAndNamesAndItIsLogged() throws Exception {
        Seeded s = seed();
        String dpo = AccessLogTest.dpo();
        buffer.flushAll();
        JsonPath r = Api.as(dpo).body(Map.of("cpr", s.cpr())).post("/api/v1/admin/insight").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("dpo", r.getString("audience"));
        assertEquals(s.citizenId().toString(), r.getString("citizenId"));
        assertEquals("Notat " + s.marker(),
                r.getString("sections.'staff-notes'.items.find { it.kind == 'note' }.text"));
        assertEquals("Kirsten Kvist",
                r.getString("sections.'access-log'.items.find { it.kind == 'conversation-opened' }.staffName"));
        given().auth().oauth2(dpo).contentType("application/json").accept("text/html").body(Map.of("cpr", s.cpr()))
                .post("/api/v1/admin/insight").then().statusCode(200).body(containsString("Notat " + s.marker()));
        // the production is an access by the DPO (and the citizen's own fetches by the citizen)
        buffer.flushAll();
        JsonPath log = Api.as(AccessLogTest.admin())
                .get("/api/v1/admin/access-log?citizenId=" + s.citizenId() + "&kind=insight-report").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of("staff"), log.getList("items.actor.kind"));
        assertEquals("Dora Dahl", log.getString("items[0].actor.name"));
        assertEquals("indsigt (databeskyttelsesforordningen art. 15)", log.getString("items[0].purpose"));
    }

    @Test
    void onlyTheCitizenAndTheirMunicipalitysDpoGetTheReport() throws Exception {
        Seeded s = seed();
        Map<String, String> body = Map.of("cpr", s.cpr());
        for (String other : List.of(s.token(), World.staffX(), AccessLogTest.admin())) {
            Api.as(other).body(body).post("/api/v1/admin/insight").then().statusCode(403)
                    .body("code", equalTo("forbidden"));
        }
        for (String other : List.of(World.staffX(), AccessLogTest.dpo(), AccessLogTest.admin())) {
            Api.as(other).get("/api/v1/me/insight").then().statusCode(403);
        }
        // another municipality's DPO: nothing held under that CPR there, and nothing registered by asking
        String andenbyDpo = Tokens.staff("andenby", "dan", "Dan Dyhr", "dpo");
        Api.as(andenbyDpo).body(body).post("/api/v1/admin/insight").then().statusCode(404)
                .body("code", equalTo("not-found"));
        Api.as(andenbyDpo).body(body).post("/api/v1/admin/insight").then().statusCode(404);
        Api.as(AccessLogTest.dpo()).body(Map.of("cpr", "12345")).post("/api/v1/admin/insight").then().statusCode(400)
                .body("code", equalTo("invalid-field"));
        // another citizen's report holds nothing of this one
        JsonPath other = Api.as(World.citizenB()).get("/api/v1/me/insight").then().statusCode(200).extract().jsonPath();
        assertFalse(other.prettify().contains(s.marker()));
        assertFalse(other.prettify().contains(s.cpr()));
    }

    @Test
    void theMunicipalityMayChooseToNameEmployeesToCitizens() throws Exception {
        Seeded s = seed();
        try {
            Api.as(AccessLogTest.admin()).body(Map.of("showStaffToCitizen", true))
                    .put("/api/v1/admin/access-log/settings").then().statusCode(200)
                    .body("showStaffToCitizen", equalTo(true));
            JsonPath r = report(s.token());
            assertEquals("Kirsten Kvist",
                    r.getString("sections.'access-log'.items.find { it.kind == 'conversation-opened' }.staffName"));
        } finally {
            Map<String, Object> off = new HashMap<>();
            off.put("showStaffToCitizen", false);
            Api.as(AccessLogTest.admin()).body(off).put("/api/v1/admin/access-log/settings").then().statusCode(200);
        }
    }
}
