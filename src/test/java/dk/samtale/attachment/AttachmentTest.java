package dk.samtale.attachment;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import javax.imageio.ImageIO;

import jakarta.inject.Inject;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import dk.samtale.testing.Api;
import dk.samtale.testing.Clamd;
import dk.samtale.testing.World;

/**
 * Uploads against a real clamd (testing/Clamd) and the embedded PostgreSQL: what is refused, what is
 * cleaned, what is stored, and who can download it.
 */
@QuarkusTest
class AttachmentTest {

    @Inject
    AgroalDataSource db;

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void scanner() {
        Assumptions.assumeTrue(Clamd.shared() != null, "!!! clamd cannot be had here: " + Clamd.whyUnavailable());
    }

    static Response upload(String token, String conversation, byte[] content, String name, String type) {
        return Api.as(token).contentType(type)
                .header("Content-Disposition", "attachment; filename*=UTF-8''"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
                .body(content).post("/api/v1/conversations/{c}/attachments", conversation);
    }

    static String path(String conversation, String id) {
        return "/api/v1/conversations/" + conversation + "/attachments/" + id;
    }

    @Test
    void aPhotoIsAcceptedAndServedWithoutItsGpsCoordinates() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        byte[] photo = TestFiles.jpegWithGps(640, 480);

        Response r = upload(citizen, conversation, photo, "sygemelding januar.jpg", "image/jpeg");
        r.then().statusCode(201).body("state", equalTo("accepted")).body("mediaType", equalTo("image/jpeg"))
                .body("fileName", equalTo("sygemelding januar.jpg")).body("hasThumbnail", equalTo(true))
                .header("Location", containsString("/attachments/"));
        String id = r.path("id");

        Response download = Api.as(citizen).accept("*/*").get(path(conversation, id));
        download.then().statusCode(200).contentType("image/jpeg")
                .header("Content-Disposition", startsWith("attachment;"))
                .header("X-Content-Type-Options", "nosniff");
        byte[] served = download.asByteArray();
        assertFalse(TestFiles.contains(served, "GPS"));
        assertFalse(TestFiles.contains(served, TestFiles.CAMERA));
        assertFalse(TestFiles.contains(served, TestFiles.COMMENT));
        assertFalse(TestFiles.contains(served, new byte[]{(byte) 0x88, 0x25}));
        assertEquals(((Number) r.path("size")).longValue(), served.length);
        assertEquals(r.path("sha256"), sha256(served));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(served));
        assertEquals(640, img.getWidth());

        byte[] thumb = Api.as(citizen).accept("*/*").get(path(conversation, id) + "/thumbnail").then().statusCode(200)
                .contentType("image/jpeg").extract().asByteArray();
        BufferedImage t = ImageIO.read(new ByteArrayInputStream(thumb));
        // 640×480 turned upright by its EXIF orientation (6), at most 320 px
        assertEquals(240, t.getWidth());
        assertEquals(320, t.getHeight());
    }

    @Test
    void eicarIsRefusedRecordedAndCounted() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        double before = metric("samtale_attachments_infected_total");
        // the bare EICAR file is plain text, refused by its type before any scan; inside a PDF it is an
        // allowed type and the scanner must find it
        byte[] pdfWithEicar = ("%PDF-1.4\n" + Clamd.EICAR + "\n").getBytes(StandardCharsets.US_ASCII);
        upload(citizen, conversation, Clamd.EICAR.getBytes(StandardCharsets.US_ASCII), "eicar.txt", "text/plain")
                .then().statusCode(415).body("code", equalTo("attachment-type-not-allowed"));
        Response r = upload(citizen, conversation, pdfWithEicar, "virus.pdf", "application/pdf");
        r.then().statusCode(422).body("code", equalTo("attachment-infected"))
                .body("detail", equalTo("Filen indeholder skadelig kode og kan ikke sendes"));
        assertEquals(before + 1, metric("samtale_attachments_infected_total"));
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement(
                        "SELECT state, verdict FROM attachment WHERE conversation_id = ?")) {
            q.setObject(1, UUID.fromString(conversation));
            try (ResultSet rs = q.executeQuery()) {
                assertTrue(rs.next(), "the refusal is recorded");
                assertEquals("infected", rs.getString(1));
                assertTrue(rs.getString(2).startsWith("Eicar-Test-Signature"));
            }
            try (PreparedStatement chunks = c.prepareStatement("""
                    SELECT count(*) FROM attachment_chunk ch JOIN attachment a ON a.id = ch.attachment_id
                    WHERE a.conversation_id = ?""")) {
                chunks.setObject(1, UUID.fromString(conversation));
                try (ResultSet rs = chunks.executeQuery()) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), "nothing of an infected file is kept");
                }
            }
        }
    }

    @Test
    void aTypeDisguisedByItsNameIsRefused() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        byte[] html = "<!DOCTYPE html><html><body><script>steal()</script></body></html>"
                .getBytes(StandardCharsets.UTF_8);
        upload(citizen, conversation, html, "billede.jpg", "image/jpeg").then().statusCode(415)
                .body("code", equalTo("attachment-type-not-allowed"))
                .body("detail", equalTo("Filtypen kan ikke sendes – send et billede eller en PDF"));
        byte[] exe = new byte[256];
        exe[0] = 'M';
        exe[1] = 'Z';
        upload(citizen, conversation, exe, "kontrakt.pdf", "application/pdf").then().statusCode(415)
                .body("code", equalTo("attachment-type-not-allowed"));
        // an allowed type under another type's name, or declared as another type
        byte[] png = TestFiles.pngWithText(20, 20);
        upload(citizen, conversation, png, "kontrakt.pdf", "application/pdf").then().statusCode(415)
                .body("code", equalTo("attachment-type-mismatch"));
        upload(citizen, conversation, png, "skærmbillede.png", "application/pdf").then().statusCode(415)
                .body("code", equalTo("attachment-type-mismatch"));
        upload(citizen, conversation, png, "skærmbillede.png", "image/png").then().statusCode(201);
    }

    @Test
    void pdfJavaScriptAndMetadataAreRemoved() throws Exception {
        String staff = World.staffX();
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        Response r = upload(staff, conversation, TestFiles.pdfWithJavaScript(), "lønseddel.pdf", "application/pdf");
        r.then().statusCode(201).body("mediaType", equalTo("application/pdf")).body("hasThumbnail", equalTo(false));
        byte[] served = Api.as(staff).accept("*/*").get(path(conversation, r.path("id"))).then().statusCode(200)
                .contentType("application/pdf")
                .header("Content-Disposition", containsString("filename*=UTF-8''l%C3%B8nseddel.pdf")).extract()
                .asByteArray();
        assertFalse(TestFiles.contains(served, "samtale-test-script"));
        assertFalse(TestFiles.contains(served, "calc.exe"));
        assertFalse(TestFiles.contains(served, "Anna Andersen"));
        try (PDDocument doc = Loader.loadPDF(served)) {
            assertEquals(1, doc.getNumberOfPages());
            assertEquals(null, doc.getDocumentCatalog().getCOSObject().getDictionaryObject(COSName.OPEN_ACTION));
        }
    }

    @Test
    void anOversizedUploadIsRefusedWhileItArrives() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        // declared too large: refused before a byte is read
        Api.as(citizen).contentType("image/jpeg").header("Content-Disposition", "attachment; filename=stor.jpg")
                .body(new byte[11 * 1024 * 1024]).post("/api/v1/conversations/{c}/attachments", conversation).then()
                .statusCode(413).body("code", equalTo("attachment-too-large"))
                .body("detail", equalTo("Filen er for stor – den må højst fylde 10 MB"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        // streamed without a length: refused once it grows past 10 MB (HTTP/1.1 then reads and discards the
        // rest of what the client insists on sending; nothing of it is kept)
        long[] sent = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                sent[0]++;
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent[0] > 200L * 1024 * 1024) {
                    return -1;
                }
                sent[0] += len;
                return len;
            }
        };
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/api/v1/conversations/" + conversation + "/attachments"))
                .header("Authorization", "Bearer " + citizen).header("Content-Type", "image/jpeg")
                .header("Content-Disposition", "attachment; filename=uendelig.jpg")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> endless)).build();
        try {
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            assertEquals(413, resp.statusCode());
            assertTrue(resp.body().contains("attachment-too-large"), resp.body());
        } catch (IOException e) {
            // the server may close the connection on a client still sending; what matters is below
        }
        assertEquals(0, countIn(conversation), "nothing stored");
    }

    @Test
    void whileTheScannerIsDownAnUploadWaitsQuarantinedAndIsAcceptedWhenItReturns() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        byte[] photo = TestFiles.jpegWithGps(100, 80);
        Clamd clamd = Clamd.shared();
        Response r;
        clamd.stop();
        try {
            r = upload(citizen, conversation, photo, "foto.jpg", "image/jpeg");
            r.then().statusCode(202).body("state", equalTo("quarantined"));
            String id = r.path("id");
            // never served unscanned
            Api.as(citizen).accept("*/*").get(path(conversation, id)).then().statusCode(409)
                    .body("code", equalTo("attachment-pending")).header("Retry-After", "10");
            Thread.sleep(1500); // rescans run (test interval 0.5 s) and find the scanner still down
            Api.as(citizen).get(path(conversation, id) + "/status").then().statusCode(200)
                    .body("state", equalTo("quarantined"));
        } finally {
            clamd.start();
        }
        String id = r.path("id");
        long deadline = System.currentTimeMillis() + 20_000;
        String state = "quarantined";
        while (System.currentTimeMillis() < deadline && state.equals("quarantined")) {
            Thread.sleep(200);
            state = Api.as(citizen).get(path(conversation, id) + "/status").then().statusCode(200).extract()
                    .path("state");
        }
        assertEquals("accepted", state);
        byte[] served = Api.as(citizen).accept("*/*").get(path(conversation, id)).then().statusCode(200).extract()
                .asByteArray();
        assertFalse(TestFiles.contains(served, "GPS"));
        assertEquals(0, chunks(UUID.fromString(id), "original"), "the quarantined original is gone");
    }

    @Test
    void aTamperedOrReorderedChunkIsDetected() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        // a PNG of noise does not compress: several 256 KiB chunks
        BufferedImage noise = new BufferedImage(700, 700, BufferedImage.TYPE_INT_RGB);
        java.util.Random rnd = new java.util.Random(7);
        for (int y = 0; y < 700; y++) {
            for (int x = 0; x < 700; x++) {
                noise.setRGB(x, y, rnd.nextInt());
            }
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(noise, "png", png);
        String id = upload(citizen, conversation, png.toByteArray(), "støj.png", "image/png").then().statusCode(201)
                .extract().path("id");
        UUID aid = UUID.fromString(id);
        assertTrue(chunks(aid, "clean") >= 3);
        Api.as(citizen).accept("*/*").get(path(conversation, id)).then().statusCode(200);

        // swap chunks 0 and 1
        exec("UPDATE attachment_chunk SET idx = -1 WHERE attachment_id = ? AND variant = 'clean' AND idx = 0", aid);
        exec("UPDATE attachment_chunk SET idx = 0 WHERE attachment_id = ? AND variant = 'clean' AND idx = 1", aid);
        exec("UPDATE attachment_chunk SET idx = 1 WHERE attachment_id = ? AND variant = 'clean' AND idx = -1", aid);
        Api.as(citizen).accept("*/*").get(path(conversation, id)).then().statusCode(500)
                .body("code", equalTo("integrity-error"));
        // swap back: readable again; then flip one byte of the first chunk
        exec("UPDATE attachment_chunk SET idx = -1 WHERE attachment_id = ? AND variant = 'clean' AND idx = 0", aid);
        exec("UPDATE attachment_chunk SET idx = 0 WHERE attachment_id = ? AND variant = 'clean' AND idx = 1", aid);
        exec("UPDATE attachment_chunk SET idx = 1 WHERE attachment_id = ? AND variant = 'clean' AND idx = -1", aid);
        Api.as(citizen).accept("*/*").get(path(conversation, id)).then().statusCode(200);
        exec("""
                UPDATE attachment_chunk SET data = overlay(data placing '\\x00'::bytea from 100 for 1)
                WHERE attachment_id = ? AND variant = 'clean' AND idx = 0""", aid);
        Api.as(citizen).accept("*/*").get(path(conversation, id)).then().statusCode(500)
                .body("code", equalTo("integrity-error"));
    }

    @Test
    void aDroppedLastChunkCutsTheDownloadOffInsteadOfServingATruncatedFile() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        byte[] pdf = TestFiles.pdfWithJavaScript();
        String id = upload(citizen, conversation, pdf, "brev.pdf", "application/pdf").then().statusCode(201).extract()
                .path("id");
        UUID aid = UUID.fromString(id);
        // one chunk only: deleting it leaves nothing; make it look like a two-chunk file missing its tail
        exec("UPDATE attachment_chunk SET idx = 0 WHERE attachment_id = ? AND variant = 'clean'", aid);
        exec("""
                INSERT INTO attachment_chunk (attachment_id, variant, idx, data)
                SELECT attachment_id, variant, 1, data FROM attachment_chunk
                WHERE attachment_id = ? AND variant = 'clean' AND idx = 0""", aid);
        // chunk 0 was sealed as the last one: read as "not last" it fails
        Api.as(citizen).accept("*/*").get(path(conversation, id)).then().statusCode(500)
                .body("code", equalTo("integrity-error"));
    }

    @Test
    void nobodyElseCanSeeOrDownloadAnUpload() throws Exception {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String id = upload(citizen, conversation, TestFiles.jpegWithGps(50, 50), "pas.jpg", "image/jpeg").then()
                .statusCode(201).extract().path("id");
        for (String other : new String[]{World.citizenB(), World.staffY(), World.staffOfAndenby(),
                World.citizenOfAndenby()}) {
            Api.as(other).accept("*/*").get(path(conversation, id)).then().statusCode(404)
                    .body("code", equalTo("not-found"));
            Api.as(other).accept("*/*").get(path(conversation, id) + "/thumbnail").then().statusCode(404);
            Api.as(other).get(path(conversation, id) + "/status").then().statusCode(404);
        }
        // the unit's staff see it only once a message carries it (an unsent upload is the uploader's alone)
        Api.as(World.staffX()).accept("*/*").get(path(conversation, id)).then().statusCode(404);
        // another conversation's path to the same id
        String second = World.openConversation(citizen, World.UNIT_X);
        Api.as(citizen).accept("*/*").get(path(second, id)).then().statusCode(404);
        // nobody uploads into a conversation they cannot see
        upload(World.citizenB(), conversation, TestFiles.jpegWithGps(8, 8), "x.jpg", "image/jpeg").then()
                .statusCode(404);
        // a service client is no participant
        Api.as(dk.samtale.testing.Tokens.service("testby", "ops", "admin")).accept("*/*").get(path(conversation, id))
                .then().statusCode(403);
        RestAssured.given().get(path(conversation, id)).then().statusCode(401);
    }

    @Test
    void anUploadNeedsAFileName() {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        Api.as(citizen).contentType("image/png").body(new byte[]{1, 2, 3})
                .post("/api/v1/conversations/{c}/attachments", conversation).then().statusCode(400)
                .body("code", equalTo("invalid-field"));
    }

    @Test
    void theApisOwnBodyLimitStillHoldsForJsonEndpoints() {
        String citizen = World.citizenA();
        String conversation = World.openConversation(citizen, World.UNIT_X);
        String big = "x".repeat(70 * 1024);
        Api.as(citizen).body(Map.of("clientMessageId", "big", "body", big))
                .post("/api/v1/conversations/{c}/messages", conversation).then().statusCode(413)
                .body("code", equalTo("payload-too-large"));
    }

    private int countIn(String conversation) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement("SELECT count(*) FROM attachment WHERE conversation_id = ?")) {
            q.setObject(1, UUID.fromString(conversation));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private int chunks(UUID id, String variant) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement(
                        "SELECT count(*) FROM attachment_chunk WHERE attachment_id = ? AND variant = ?")) {
            q.setObject(1, id);
            q.setString(2, variant);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void exec(String sql, UUID id) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            s.executeUpdate();
        }
    }

    static double metric(String name) {
        for (String line : RestAssured.given().get("/q/metrics").asString().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
