package dk.samtale.journal.pdfbox;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentCatalog;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.color.PDOutputIntent;
import org.apache.xmpbox.XMPMetadata;
import org.apache.xmpbox.schema.AdobePDFSchema;
import org.apache.xmpbox.schema.DublinCoreSchema;
import org.apache.xmpbox.schema.PDFAIdentificationSchema;
import org.apache.xmpbox.schema.XMPBasicSchema;
import org.apache.xmpbox.xml.XmpSerializer;

import dk.samtale.journal.ConversationDocument;
import dk.samtale.journal.DocumentRenderer;

/**
 * The conversation document as PDF/A-2b with Apache PDFBox: every font embedded (Liberation Sans, which
 * PDFBox itself ships, SIL Open Font License 1.1; subset), XMP metadata with {@code pdfaid:part=2} and
 * {@code pdfaid:conformance=B} matching the document information, an sRGB OutputIntent (the JDK's own
 * sRGB profile, so no profile file is shipped), only RGB colour, no encryption, no transparency, no
 * annotations.
 *
 * <p>
 * Characters the font has no glyph for — emoji above all — are drawn as {@value #PLACEHOLDER} (a white
 * square). A PDF/A file cannot rely on the reader's fonts, and an embeddable colour emoji font (CBDT/COLR)
 * does not survive PDF/A, so the document shows where an emoji was; the exact text stays in the message's
 * own journal entry. Variation selectors, zero-width joiners and skin-tone modifiers are dropped rather than
 * drawn, so one emoji sequence does not become a row of squares.
 */
@ApplicationScoped
public class PdfBoxDocumentRenderer implements DocumentRenderer {

    static final String PLACEHOLDER = "\u25A1";
    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    private static final ZoneId DENMARK = ZoneId.of("Europe/Copenhagen");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d. MMMM yyyy 'kl.' HH:mm:ss",
            Locale.forLanguageTag("da-DK")).withZone(DENMARK);
    private static final float MARGIN = 50;
    private static final float BODY = 10;
    private static final float SMALL = 8;
    private static final float HASH = 7;
    private static final float[] TEXT = {0.1f, 0.1f, 0.1f};
    private static final float[] MUTED = {0.35f, 0.35f, 0.4f};

    @Override
    public byte[] render(ConversationDocument d) {
        try (PDDocument doc = new PDDocument()) {
            PDType0Font font;
            try (InputStream in = PdfBoxDocumentRenderer.class.getResourceAsStream(FONT)) {
                font = PDType0Font.load(doc, in, true);
            }
            Writer w = new Writer(doc, font);
            w.heading("Samtale: " + d.subject());
            w.field("Kommune", d.municipality());
            w.field("Enhed", d.unit());
            w.field("Borger", d.citizenName() == null ? "(navn ukendt)" : d.citizenName());
            if (d.citizenCpr() != null) {
                w.field("CPR-nummer", d.citizenCpr());
            }
            if (!d.parties().isEmpty()) {
                w.field("Parter", String.join(", ", d.parties().stream()
                        .map(p -> orDash(p.name()) + ("child".equals(p.role()) ? " (barn)" : " (forælder)")).toList()));
            }
            w.field("Sagsnummer", orDash(d.caseNumber()));
            w.field("KLE", orDash(d.kleClass()) + (d.actionFacet() == null ? "" : " " + d.actionFacet()));
            w.field("Status", "closed".equals(d.status()) ? "lukket" : "åben");
            w.field("Dannet", TIME.format(d.generatedAt()));
            w.field("Samtale-id", d.conversationId().toString());
            w.gap(10);
            for (ConversationDocument.Line m : d.messages()) {
                w.meta(String.format("#%d · %s · %s (%s) · kanal: %s · %s", m.seq(), TIME.format(m.at()),
                        orDash(m.senderName()), kind(m.senderKind()), m.channel(), state(m.state())));
                w.paragraph(m.body() == null ? "(beskedens tekst kan ikke læses)" : m.body());
                w.gap(6);
            }
            w.gap(8);
            w.meta("Journalposter, som dokumentet dækker (position · SHA-256 af posten):");
            for (ConversationDocument.Covered c : d.covers()) {
                w.hash(c.position() + " · " + c.hash());
            }
            if (d.covers().isEmpty()) {
                w.hash("(ingen endnu)");
            }
            w.finish(footer(d));
            archival(doc, d);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String footer(ConversationDocument d) {
        if (d.covers().isEmpty()) {
            return "Samtale " + d.conversationId() + " · ingen journalposter endnu";
        }
        long from = d.covers().get(0).position();
        long to = d.covers().get(d.covers().size() - 1).position();
        return "Samtale " + d.conversationId() + " · journalpositioner " + from + "–" + to + " (" + d.covers().size()
                + " poster)";
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "–" : s;
    }

    private static String kind(String senderKind) {
        return switch (senderKind) {
            case "citizen" -> "borger";
            case "staff" -> "medarbejder";
            default -> "system";
        };
    }

    private static String state(String state) {
        return switch (state) {
            case "read" -> "læst";
            case "delivered" -> "leveret";
            default -> "sendt";
        };
    }

    /** XMP (PDF/A identification, Dublin Core, dates) matching the info dictionary, and the OutputIntent. */
    private static void archival(PDDocument doc, ConversationDocument d) throws IOException {
        Calendar created = GregorianCalendar.from(d.generatedAt().atZone(java.time.ZoneOffset.UTC));
        created.setTimeZone(TimeZone.getTimeZone("UTC"));
        String title = "Samtale: " + d.subject();
        PDDocumentInformation info = doc.getDocumentInformation();
        info.setTitle(title);
        info.setCreator("Samtale");
        info.setProducer("Samtale (Apache PDFBox)");
        info.setCreationDate(created);
        info.setModificationDate(created);

        XMPMetadata xmp = XMPMetadata.createXMPMetadata();
        DublinCoreSchema dc = xmp.createAndAddDublinCoreSchema();
        dc.setTitle(title);
        dc.addCreator("Samtale");
        dc.setFormat("application/pdf");
        XMPBasicSchema basic = xmp.createAndAddXMPBasicSchema();
        basic.setCreatorTool("Samtale");
        basic.setCreateDate(created);
        basic.setModifyDate(created);
        AdobePDFSchema pdf = xmp.createAndAddAdobePDFSchema();
        pdf.setProducer("Samtale (Apache PDFBox)");
        PDFAIdentificationSchema id = xmp.createAndAddPDFAIdentificationSchema();
        id.setPart(2);
        try {
            id.setConformance("B");
        } catch (org.apache.xmpbox.type.BadFieldValueException e) {
            throw new IllegalStateException(e);
        }
        ByteArrayOutputStream x = new ByteArrayOutputStream();
        try {
            new XmpSerializer().serialize(xmp, x, true);
        } catch (javax.xml.transform.TransformerException e) {
            throw new IOException(e);
        }
        PDDocumentCatalog catalog = doc.getDocumentCatalog();
        PDMetadata metadata = new PDMetadata(doc);
        metadata.importXMPMetadata(x.toByteArray());
        catalog.setMetadata(metadata);
        catalog.setLanguage("da-DK");

        byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        PDOutputIntent intent = new PDOutputIntent(doc, new ByteArrayInputStream(icc));
        intent.setInfo("sRGB IEC61966-2.1");
        intent.setOutputCondition("sRGB IEC61966-2.1");
        intent.setOutputConditionIdentifier("sRGB IEC61966-2.1");
        intent.setRegistryName("http://www.color.org");
        catalog.addOutputIntent(intent);
    }

    /** Lays out lines top to bottom, wrapping by the font's widths and starting pages as needed. */
    private static final class Writer {
        private final PDDocument doc;
        private final PDType0Font font;
        private final Map<Integer, Boolean> glyphs = new HashMap<>();
        private final List<PDPage> pages = new ArrayList<>();
        private final float width = PDRectangle.A4.getWidth() - 2 * MARGIN;
        private PDPageContentStream out;
        private float y;

        Writer(PDDocument doc, PDType0Font font) throws IOException {
            this.doc = doc;
            this.font = font;
            newPage();
        }

        void heading(String text) throws IOException {
            lines(text, 15, TEXT, 20);
            gap(4);
        }

        void field(String name, String value) throws IOException {
            lines(name + ": " + value, BODY, TEXT, 13);
        }

        void meta(String text) throws IOException {
            lines(text, SMALL, MUTED, 11);
        }

        void paragraph(String text) throws IOException {
            lines(text, BODY, TEXT, 13);
        }

        void hash(String text) throws IOException {
            lines(text, HASH, MUTED, 9);
        }

        void gap(float h) {
            y -= h;
        }

        private void lines(String text, float size, float[] colour, float leading) throws IOException {
            for (String paragraph : printable(text).split("\n", -1)) {
                for (String line : wrap(paragraph, size)) {
                    if (y - leading < MARGIN + 20) {
                        newPage();
                    }
                    y -= leading;
                    out.beginText();
                    out.setFont(font, size);
                    out.setNonStrokingColor(colour[0], colour[1], colour[2]);
                    out.newLineAtOffset(MARGIN, y);
                    out.showText(line);
                    out.endText();
                }
            }
        }

        /** Greedy word wrap; a word longer than the line (a long link, a run without spaces) is cut. */
        private List<String> wrap(String paragraph, float size) throws IOException {
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.split(" ", -1)) {
                String candidate = line.length() == 0 ? word : line + " " + word;
                if (width(candidate, size) <= width) {
                    line.setLength(0);
                    line.append(candidate);
                    continue;
                }
                if (line.length() > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                String rest = word;
                while (width(rest, size) > width) {
                    int cut = rest.length() - 1;
                    while (cut > 1 && width(rest.substring(0, cut), size) > width) {
                        cut--;
                    }
                    if (Character.isHighSurrogate(rest.charAt(cut - 1))) {
                        cut--;
                    }
                    lines.add(rest.substring(0, cut));
                    rest = rest.substring(cut);
                }
                line.append(rest);
            }
            lines.add(line.toString());
            return lines;
        }

        private float width(String s, float size) throws IOException {
            return font.getStringWidth(s) / 1000 * size;
        }

        /** Only what the embedded font can draw: see the class comment on emoji. */
        private String printable(String text) {
            StringBuilder b = new StringBuilder(text.length());
            text.replace("\r\n", "\n").replace('\r', '\n').replace('\t', ' ').codePoints().forEach(cp -> {
                if (cp == '\n') {
                    b.append('\n');
                } else if (cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x1F3FB && cp <= 0x1F3FF)
                        || Character.getType(cp) == Character.CONTROL || Character.getType(cp) == Character.FORMAT) {
                    // joiners, variation selectors, skin tones and controls have no glyph of their own
                } else if (drawable(cp)) {
                    b.appendCodePoint(cp);
                } else {
                    b.append(PLACEHOLDER);
                }
            });
            return b.toString();
        }

        private boolean drawable(int cp) {
            return glyphs.computeIfAbsent(cp, c -> {
                try {
                    font.encode(new String(Character.toChars(c)));
                    return font.getStringWidth(new String(Character.toChars(c))) > 0 || Character.isWhitespace(c);
                } catch (IOException | IllegalArgumentException e) {
                    return false;
                }
            });
        }

        private void newPage() throws IOException {
            if (out != null) {
                out.close();
            }
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            pages.add(page);
            out = new PDPageContentStream(doc, page);
            y = PDRectangle.A4.getHeight() - MARGIN;
        }

        /** The footer on every page: which journal positions the document covers, and page n of m. */
        void finish(String footer) throws IOException {
            out.close();
            int n = 0;
            for (PDPage page : pages) {
                n++;
                try (PDPageContentStream f = new PDPageContentStream(doc, page, PDPageContentStream.AppendMode.APPEND,
                        true)) {
                    f.beginText();
                    f.setFont(font, SMALL);
                    f.setNonStrokingColor(MUTED[0], MUTED[1], MUTED[2]);
                    f.newLineAtOffset(MARGIN, MARGIN - 10);
                    f.showText(printable(footer + " · side " + n + " af " + pages.size()));
                    f.endText();
                }
            }
        }
    }
}
