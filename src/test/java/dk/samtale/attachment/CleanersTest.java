package dk.samtale.attachment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanersTest {

    @TempDir
    Path dir;

    @Test
    void aJpegLosesItsGpsCameraXmpAndCommentButKeepsItsOrientationAndPicture() throws IOException {
        byte[] original = TestFiles.jpegWithGps(64, 48);
        // the test photo really carries what must go
        assertTrue(TestFiles.contains(original, TestFiles.CAMERA));
        assertTrue(TestFiles.contains(original, TestFiles.XMP_GPS));
        assertTrue(TestFiles.contains(original, TestFiles.COMMENT));
        assertTrue(TestFiles.contains(original, new byte[]{(byte) 0x88, 0x25}));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int orientation = JpegCleaner.clean(new ByteArrayInputStream(original), out);
        byte[] cleaned = out.toByteArray();

        assertEquals(6, orientation);
        assertFalse(TestFiles.contains(cleaned, TestFiles.CAMERA));
        assertFalse(TestFiles.contains(cleaned, "GPS"));
        assertFalse(TestFiles.contains(cleaned, TestFiles.COMMENT));
        assertFalse(TestFiles.contains(cleaned, new byte[]{(byte) 0x88, 0x25}), "no GPSInfo tag");
        // the latitude's rationals (55/1, 40/1) are gone with it
        assertFalse(TestFiles.contains(cleaned, ByteBuffer.allocate(16).putInt(55).putInt(1).putInt(40).putInt(1)
                .array()));
        assertTrue(TestFiles.contains(cleaned, JpegCleaner.minimalExif(6)), "orientation kept as minimal EXIF");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(cleaned));
        assertNotNull(img);
        assertEquals(64, img.getWidth());
        assertEquals(48, img.getHeight());
    }

    @Test
    void somethingThatIsNotAJpegIsRefusedByTheJpegCleaner() {
        assertThrows(IOException.class, () -> JpegCleaner.clean(new ByteArrayInputStream("GIF89a".getBytes()),
                new ByteArrayOutputStream()));
    }

    @Test
    void aPngLosesItsTextXmpAndExifChunksButStillDecodes() throws IOException {
        byte[] original = TestFiles.pngWithText(40, 30);
        assertTrue(TestFiles.contains(original, TestFiles.PDF_AUTHOR));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PngCleaner.clean(new ByteArrayInputStream(original), out);
        byte[] cleaned = out.toByteArray();
        assertFalse(TestFiles.contains(cleaned, TestFiles.PDF_AUTHOR));
        assertFalse(TestFiles.contains(cleaned, "tEXt"));
        assertFalse(TestFiles.contains(cleaned, "iTXt"));
        assertFalse(TestFiles.contains(cleaned, "eXIf"));
        assertFalse(TestFiles.contains(cleaned, TestFiles.CAMERA));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(cleaned));
        assertEquals(40, img.getWidth());
    }

    @Test
    void aPdfLosesItsJavaScriptLaunchActionsAuthorAndXmp() throws IOException {
        byte[] original = TestFiles.pdfWithJavaScript();
        assertTrue(TestFiles.contains(original, "samtale-test-script"));
        assertTrue(TestFiles.contains(original, "calc.exe"));
        Path in = Files.write(dir.resolve("in.pdf"), original);
        Path out = dir.resolve("out.pdf");
        PdfCleaner.Result r = PdfCleaner.clean(in, out);
        assertTrue(r.activeContentRemoved() >= 3, "open action, JavaScript name tree, page launch action");
        byte[] cleaned = Files.readAllBytes(out);
        assertFalse(TestFiles.contains(cleaned, "samtale-test-script"));
        assertFalse(TestFiles.contains(cleaned, "calc.exe"));
        assertFalse(TestFiles.contains(cleaned, "Anna Andersen"));
        try (PDDocument doc = Loader.loadPDF(cleaned)) {
            assertEquals(1, doc.getNumberOfPages());
            assertNull(doc.getDocumentInformation().getAuthor());
            assertNull(doc.getDocumentCatalog().getMetadata());
            assertNull(doc.getDocumentCatalog().getCOSObject().getDictionaryObject(COSName.OPEN_ACTION));
            assertNull(doc.getPage(0).getCOSObject().getDictionaryObject(COSName.AA));
        }
    }

    @Test
    void aDamagedPdfCannotBeCleaned() throws IOException {
        Path in = Files.writeString(dir.resolve("bad.pdf"), "%PDF-1.7\nthis is not really a PDF");
        assertThrows(Cleaning.Unreadable.class, () -> Cleaning.clean("application/pdf", in, dir.resolve("o.pdf")));
    }

    @Test
    void theThumbnailOfASidewaysPhotoStandsUpright() throws IOException {
        byte[] original = TestFiles.jpegWithGps(200, 100);
        Path in = Files.write(dir.resolve("p.jpg"), original);
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        assertTrue(Thumbnails.write(in, 6, 80, t));
        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(t.toByteArray()));
        assertEquals(40, thumb.getWidth());
        assertEquals(80, thumb.getHeight());
    }

    @Test
    void typesComeFromTheContentAndNamesMustAgree() throws IOException {
        assertEquals("image/jpeg", TypeDetector.detect(new ByteArrayInputStream(TestFiles.jpegWithGps(8, 8))));
        assertEquals("application/pdf", TypeDetector.detect(new ByteArrayInputStream(TestFiles.pdfWithJavaScript())));
        assertEquals("text/html", TypeDetector.detect(new ByteArrayInputStream(
                "<!DOCTYPE html><html><script>alert(1)</script></html>".getBytes())));
        assertTrue(TypeDetector.nameFits("sygemelding.JPG", "image/jpeg"));
        assertTrue(TypeDetector.nameFits("foto.jpeg", "image/jpeg"));
        assertFalse(TypeDetector.nameFits("kontrakt.pdf", "image/png"));
        assertTrue(TypeDetector.declaredFits("image/jpeg", "image/jpeg"));
        assertTrue(TypeDetector.declaredFits("application/octet-stream", "image/png"));
        assertFalse(TypeDetector.declaredFits("application/pdf", "image/png"));
    }
}
