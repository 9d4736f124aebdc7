package dk.samtale.kle;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * The KLE catalogue of tenant andenby: without one the pattern check decides (99.99.99 passes); after the
 * admin uploads KL's files (small ones in KL's format, test resources), references are checked against it
 * and staff get titles by prefix.
 */
@QuarkusTest
class KleCatalogueTest {

    private static String admin() {
        return Tokens.service("andenby", "ops", "admin");
    }

    private static byte[] file(String name) throws IOException {
        return Files.readAllBytes(Path.of("src/test/resources/kle", name));
    }

    private static int setCase(String conversation, String kle, String facet) {
        Map<String, Object> ref = new HashMap<>();
        ref.put("caseNumber", "2026-000123");
        ref.put("kleClass", kle);
        ref.put("actionFacet", facet);
        return Api.as(World.staffOfAndenby()).body(ref).put("/api/v1/conversations/" + conversation + "/case").then()
                .extract().statusCode();
    }

    private static void upload(byte[] xml) {
        Api.as(admin()).contentType("application/xml").body(xml).put("/api/v1/admin/kle").then().statusCode(200);
    }

    @Test
    void withACatalogueCaseReferencesMustBeInItAndStaffGetTitles() throws IOException {
        String id = World.openConversation(World.citizenOfAndenby(), World.UNIT_Z);
        // the first test to run on andenby: no catalogue, the pattern decides
        org.junit.jupiter.api.Assertions.assertEquals(200, setCase(id, "99.99.99", "Z99"));

        Api.as(admin()).contentType("application/xml").body(file("KLE-Emneplan.xml")).put("/api/v1/admin/kle").then()
                .statusCode(200).body("part", equalTo("emneplan")).body("published", equalTo("2026-10-01"))
                .body("entries", equalTo(8));
        org.junit.jupiter.api.Assertions.assertEquals(400, setCase(id, "99.99.99", null));
        org.junit.jupiter.api.Assertions.assertEquals(400, setCase(id, "15.17.01", null), "a retired subject");
        org.junit.jupiter.api.Assertions.assertEquals(200, setCase(id, "15.17.06", "Z99"),
                "facets unchecked until their file is uploaded");
        org.junit.jupiter.api.Assertions.assertEquals(200, setCase(id, "27.24", null), "a group");

        upload(file("KLE-Handlingsfacetter.xml"));
        org.junit.jupiter.api.Assertions.assertEquals(400, setCase(id, "15.17.06", "Z99"));
        org.junit.jupiter.api.Assertions.assertEquals(200, setCase(id, "15.17.06", "G01"));
        Api.as(World.staffOfAndenby()).body(Map.of("kleClass", "99.99.99"))
                .put("/api/v1/conversations/" + id + "/case").then().statusCode(400)
                .body("code", equalTo("invalid-field")).body("errors[0].field", equalTo("kleClass"));

        Api.as(World.staffOfAndenby()).queryParam("prefix", "15.17").get("/api/v1/kle/subjects").then()
                .statusCode(200)
                .body("items.number", contains("15.17", "15.17.01", "15.17.06", "15.17.08"))
                .body("items.find { it.number == '15.17.06' }.title", equalTo("Uddannelsespålæg og uddannelseshjælp"))
                .body("items.find { it.number == '15.17.01' }.retired", equalTo(true));
        Api.as(World.staffOfAndenby()).queryParam("prefix", "G").get("/api/v1/kle/facets").then().statusCode(200)
                .body("items.number", contains("G01", "G10"));
        Api.as(admin()).get("/api/v1/admin/kle").then().statusCode(200).body("items.part",
                contains("emneplan", "handlingsfacetter"));

        // KL's real subject plan is several megabytes, far over the API's 64 KiB body limit: the upload is
        // streamed and bounded by the server's ceiling only (the same plan again, padded to 1 MiB)
        String plan = new String(file("KLE-Emneplan.xml"), java.nio.charset.StandardCharsets.UTF_8);
        int declarationEnd = plan.indexOf("?>") + 2;
        String padded = plan.substring(0, declarationEnd) + "\n<!-- " + "x".repeat(1 << 20) + " -->"
                + plan.substring(declarationEnd);
        Api.as(admin()).contentType("application/xml").body(padded.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .put("/api/v1/admin/kle").then().statusCode(200).body("entries", equalTo(8));

        // another tenant keeps its own (none): testby's staff see no andenby titles, and 99.99.99 passes there
        Api.as(World.staffX()).queryParam("prefix", "15").get("/api/v1/kle/subjects").then().statusCode(200)
                .body("items.number", not(hasItem("15.17.06")));
        String testby = World.openConversation(World.citizenA(), World.UNIT_X);
        Api.as(World.staffX()).body(Map.of("kleClass", "99.99.99")).put("/api/v1/conversations/" + testby + "/case")
                .then().statusCode(200);
    }

    @Test
    void onlyTheTenantsAdminUploadsAndOnlyKleDocumentsAreTaken() {
        Api.as(World.staffOfAndenby()).contentType("application/xml").body("<KLE-Emneplan/>".getBytes())
                .put("/api/v1/admin/kle").then().statusCode(403);
        Api.as(World.citizenOfAndenby()).get("/api/v1/kle/subjects").then().statusCode(403);
        Api.as(admin()).contentType("application/xml").body("<catalogue><x/></catalogue>".getBytes())
                .put("/api/v1/admin/kle").then().statusCode(400).body("code", equalTo("invalid-field"));
        // a DTD (the way to XXE) is refused, not resolved
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE KLE-Emneplan [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>15</HovedgruppeNr><HovedgruppeTitel>&x;</HovedgruppeTitel>"
                + "</Hovedgruppe></KLE-Emneplan>";
        Api.as(admin()).contentType("application/xml").body(xxe.getBytes()).put("/api/v1/admin/kle").then()
                .statusCode(400);
    }
}
