package dk.samtale.journal.pdfbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.imageio.ImageIO;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.graphics.color.PDOutputIntent;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.xmpbox.XMPMetadata;
import org.apache.xmpbox.schema.PDFAIdentificationSchema;
import org.apache.xmpbox.xml.DomXmpParser;
import org.junit.jupiter.api.Test;

import dk.samtale.journal.ConversationDocument;

/**
 * The conversation document: Danish letters, emoji (drawn as a placeholder square), a 4,000-character
 * message, and the structural PDF/A-2b requirements checked with PDFBox (veraPDF is not to be had here):
 * OutputIntent with an ICC profile, XMP {@code pdfaid} part 2 conformance B, every font embedded, no
 * encryption. Page 1 is rendered to PNG (target/, and the copy in docs/ is one of these).
 */
class PdfBoxDocumentRendererTest {

    private static final String LONG;
    static {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (b.length() < 4000) {
            b.append("ord").append(i++).append(' ');
        }
        LONG = b.substring(0, 4000);
    }

    private static ConversationDocument document(String cpr) {
        Instant t = Instant.parse("2026-12-03T09:15:00Z");
        List<ConversationDocument.Line> lines = List.of(
                new ConversationDocument.Line(1, t, "citizen", "Søren Ærø", "app", "read",
                        "Hej, jeg har fået brev om mødet på torsdag. Kan vi flytte det? Blåbærgrød og æbleskiver 😀👍🏽"),
                new ConversationDocument.Line(2, t.plusSeconds(300), "staff", "Mette Østergaard", "web", "delivered",
                        "Hej Søren\nJa, vi kan flytte det til fredag kl. 10.\nMvh. Mette"),
                new ConversationDocument.Line(3, t.plusSeconds(600), "citizen", "Søren Ærø", "sms", "sent", LONG));
        List<ConversationDocument.Covered> covers = new ArrayList<>();
        for (int p = 41; p <= 43; p++) {
            covers.add(new ConversationDocument.Covered(p, "%064x".formatted(p * 1_000_003L)));
        }
        return new ConversationDocument(UUID.fromString("018f0000-0000-7000-8000-000000000123"), "Varde Kommune",
                "Jobcenter – Team Ung", "Søren Ærø", cpr, "Møde på torsdag", "2026-004217", "15.17.06", "G01", "closed",
                t.plusSeconds(900), lines, covers);
    }

    @Test
    void rendersAnArchivalPdfWithEveryMessageTheCoveredEntriesAndEmbeddedFonts() throws Exception {
        byte[] pdf = new PdfBoxDocumentRenderer().render(document(null));
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertFalse(doc.isEncrypted());
            // OutputIntent: GTS_PDFA1 with an embedded ICC profile
            List<PDOutputIntent> intents = doc.getDocumentCatalog().getOutputIntents();
            assertEquals(1, intents.size());
            assertEquals("GTS_PDFA1", intents.get(0).getCOSObject().getNameAsString(COSName.S));
            assertNotNull(intents.get(0).getDestOutputIntent(), "an ICC profile in the OutputIntent");
            try (var icc = intents.get(0).getDestOutputIntent().createInputStream()) {
                assertTrue(icc.readAllBytes().length > 1000);
            }
            // XMP: pdfaid part 2, conformance B
            XMPMetadata xmp = new DomXmpParser()
                    .parse(doc.getDocumentCatalog().getMetadata().exportXMPMetadata().readAllBytes());
            PDFAIdentificationSchema id = xmp.getPDFAIdentificationSchema();
            assertEquals(2, id.getPart());
            assertEquals("B", id.getConformance());
            assertEquals(doc.getDocumentInformation().getTitle(), xmp.getDublinCoreSchema().getTitle());
            // every font embedded
            int fonts = 0;
            for (PDPage page : doc.getPages()) {
                for (COSName name : page.getResources().getFontNames()) {
                    PDFont font = page.getResources().getFont(name);
                    assertTrue(font.isEmbedded(), font.getName() + " embedded");
                    fonts++;
                }
            }
            assertTrue(fonts > 0);
            assertTrue(doc.getNumberOfPages() >= 2, "the long message runs over a page");

            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("Søren Ærø"));
            assertTrue(text.contains("Blåbærgrød og æbleskiver " + PdfBoxDocumentRenderer.PLACEHOLDER
                    + PdfBoxDocumentRenderer.PLACEHOLDER), "each emoji a placeholder, the skin tone dropped");
            assertFalse(text.contains("😀"));
            assertTrue(text.contains("Mette Østergaard"));
            assertTrue(text.contains("Kommune: Varde Kommune"));
            assertTrue(text.contains("Sagsnummer: 2026-004217"));
            assertTrue(text.contains("KLE: 15.17.06 G01"));
            assertTrue(text.contains("kanal: sms"));
            assertTrue(text.contains("læst") && text.contains("leveret") && text.contains("sendt"));
            assertFalse(text.contains("CPR"), "no CPR unless the tenant enables it");
            // the 4,000 characters are all there, whatever the line and page breaks (page footers left out)
            String withoutFooters = text.lines().filter(l -> !l.contains(" · side "))
                    .collect(java.util.stream.Collectors.joining());
            assertTrue(withoutFooters.replaceAll("\\s", "").contains(LONG.replaceAll("\\s", "")));
            // the footer names the journal positions, and the hashes are listed
            assertTrue(text.contains("journalpositioner 41–43 (3 poster)"));
            assertTrue(text.contains("43 · " + "%064x".formatted(43 * 1_000_003L)));
            assertTrue(text.contains("side 1 af " + doc.getNumberOfPages()));

            BufferedImage page1 = new PDFRenderer(doc).renderImageWithDPI(0, 110);
            Path png = Path.of("target/conversation-document-page1.png");
            Files.createDirectories(png.getParent());
            ImageIO.write(page1, "png", png.toFile());
            assertTrue(darkPixels(page1) > 2000, "page 1 has text on it");
        }
    }

    @Test
    void namesTheCprNumberOnlyWhenAsked() throws IOException {
        try (PDDocument doc = Loader.loadPDF(new PdfBoxDocumentRenderer().render(document("010203-1234")))) {
            assertTrue(new PDFTextStripper().getText(doc).contains("CPR-nummer: 010203-1234"));
        }
    }

    private static int darkPixels(BufferedImage img) {
        int n = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) < 128) {
                    n++;
                }
            }
        }
        return n;
    }

}
