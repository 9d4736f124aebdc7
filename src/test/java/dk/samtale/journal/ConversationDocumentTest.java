package dk.samtale.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.testing.Api;
import dk.samtale.testing.World;

/** The conversation document through the API: staff of the unit get the PDF, nobody else does. */
@QuarkusTest
class ConversationDocumentTest {

    @Test
    void staffOfTheUnitGetTheConversationAsPdfAndNoOneElseDoes() throws Exception {
        String id = World.openConversation(World.citizenA(), World.UNIT_X);
        World.send(World.citizenA(), id, "Hej, må jeg flytte mødet? Æblegrød på Ærø 😀");
        World.send(World.staffX(), id, "Ja, det må du gerne.");
        byte[] pdf = Api.as(World.staffX()).accept("application/pdf").get("/api/v1/conversations/" + id + "/document")
                .then().statusCode(200).contentType("application/pdf").header("Cache-Control", "no-store").extract()
                .asByteArray();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("Æblegrød på Ærø \u25A1"), text);
            assertTrue(text.contains("Ja, det må du gerne."));
            assertTrue(text.contains("Anna Andersen"));
            assertTrue(text.contains("Kirsten Kvist"));
            assertTrue(!text.contains("0101011111"), "no CPR unless the tenant enables it");
            assertEquals(1, doc.getDocumentCatalog().getOutputIntents().size(), "archival: an OutputIntent");
        }
        // another unit, another tenant: as if it did not exist; citizens and services: forbidden
        Api.as(World.staffY()).accept("application/pdf").get("/api/v1/conversations/" + id + "/document").then()
                .statusCode(404);
        Api.as(World.staffOfAndenby()).accept("application/pdf").get("/api/v1/conversations/" + id + "/document")
                .then().statusCode(404);
        Api.as(World.citizenA()).accept("application/pdf").get("/api/v1/conversations/" + id + "/document").then()
                .statusCode(403);
    }
}
