package dk.samtale.attachment;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDJavascriptNameTreeNode;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.interactive.action.PDActionJavaScript;
import org.apache.pdfbox.pdmodel.interactive.action.PDActionLaunch;
import org.apache.pdfbox.pdmodel.interactive.action.PDPageAdditionalActions;

/** Files made by the tests themselves: a photo with GPS coordinates, a PNG with text, a PDF that runs code. */
public final class TestFiles {

    /** Where the test photo was "taken": 55°40'12.34" N. */
    public static final String CAMERA = "SamtaleCam 3000";
    public static final String COMMENT = "Hjemme hos Anna, Vestergade 7";
    public static final String XMP_GPS = "<exif:GPSLatitude>55,40.2057N</exif:GPSLatitude>";
    public static final String PDF_SCRIPT = "app.alert('samtale-test-script')";
    public static final String PDF_AUTHOR = "Anna Andersen (forfatter)";

    private TestFiles() {
    }

    public static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(30, 120, 200));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.ORANGE);
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        return img;
    }

    /** A JPEG with EXIF (camera, orientation 6, GPS latitude), an XMP packet with GPS, and a comment. */
    public static byte[] jpegWithGps(int w, int h) throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageIO.write(picture(w, h), "jpeg", plain);
        byte[] jpeg = plain.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        segment(out, 0xE1, exifWithGps());
        segment(out, 0xE1, ("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x='adobe:ns:meta/'>" + XMP_GPS
                + "</x:xmpmeta>").getBytes(StandardCharsets.UTF_8));
        segment(out, 0xFE, COMMENT.getBytes(StandardCharsets.UTF_8));
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** TIFF/EXIF: IFD0 {Make, Orientation=6, GPSInfo→} GPS IFD {LatitudeRef N, Latitude 55/1 40/1 1234/100}. */
    static byte[] exifWithGps() {
        byte[] make = (CAMERA + "\0").getBytes(StandardCharsets.US_ASCII);
        int ifd0 = 8, ifd0Size = 2 + 3 * 12 + 4, makeAt = ifd0 + ifd0Size;
        int gps = makeAt + make.length + (make.length % 2), gpsSize = 2 + 2 * 12 + 4, rationals = gps + gpsSize;
        ByteBuffer b = ByteBuffer.allocate(6 + rationals + 24).order(ByteOrder.BIG_ENDIAN);
        b.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
        int base = b.position();
        b.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(ifd0);
        b.putShort((short) 3);
        b.putShort((short) 0x010F).putShort((short) 2).putInt(make.length).putInt(makeAt);
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 6).putShort((short) 0);
        b.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(gps);
        b.putInt(0);
        b.position(base + makeAt).put(make);
        b.position(base + gps);
        b.putShort((short) 2);
        b.putShort((short) 0x0001).putShort((short) 2).putInt(2).put((byte) 'N').put((byte) 0).putShort((short) 0);
        b.putShort((short) 0x0002).putShort((short) 5).putInt(3).putInt(rationals);
        b.putInt(0);
        b.position(base + rationals);
        b.putInt(55).putInt(1).putInt(40).putInt(1).putInt(1234).putInt(100);
        return b.array();
    }

    /** A PNG with a tEXt author, an iTXt XMP packet and an eXIf chunk. */
    public static byte[] pngWithText(int w, int h) throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageIO.write(picture(w, h), "png", plain);
        byte[] png = plain.toByteArray();
        int afterIhdr = 8 + 4 + 4 + 13 + 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterIhdr);
        chunk(out, "tEXt", ("Author\0" + PDF_AUTHOR).getBytes(StandardCharsets.ISO_8859_1));
        chunk(out, "iTXt", ("XML:com.adobe.xmp\0\0\0\0\0" + XMP_GPS).getBytes(StandardCharsets.UTF_8));
        chunk(out, "eXIf", java.util.Arrays.copyOfRange(exifWithGps(), 6, exifWithGps().length));
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    /** A PDF that runs JavaScript when opened, launches a program from a page, and has an author and XMP. */
    public static byte[] pdfWithJavaScript() throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            PDDocumentInformation info = new PDDocumentInformation();
            info.setAuthor(PDF_AUTHOR);
            info.setTitle("Lønseddel");
            doc.setDocumentInformation(info);
            doc.getDocumentCatalog().setOpenAction(new PDActionJavaScript(PDF_SCRIPT));
            PDDocumentNameDictionary names = new PDDocumentNameDictionary(doc.getDocumentCatalog());
            PDJavascriptNameTreeNode js = new PDJavascriptNameTreeNode();
            js.setNames(java.util.Map.of("start", new PDActionJavaScript(PDF_SCRIPT)));
            names.setJavascript(js);
            doc.getDocumentCatalog().setNames(names);
            PDPageAdditionalActions aa = new PDPageAdditionalActions();
            PDActionLaunch launch = new PDActionLaunch();
            launch.getCOSObject().setString(COSName.F, "calc.exe");
            aa.setO(launch);
            page.setActions(aa);
            PDMetadata xmp = new PDMetadata(doc);
            xmp.importXMPMetadata(("<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>" + PDF_AUTHOR
                    + "</dc:creator></x:xmpmeta>").getBytes(StandardCharsets.UTF_8));
            doc.getDocumentCatalog().setMetadata(xmp);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out, org.apache.pdfbox.pdfwriter.compress.CompressParameters.NO_COMPRESSION);
            return out.toByteArray();
        }
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] payload) {
        out.write(0xFF);
        out.write(marker);
        out.write((payload.length + 2) >> 8);
        out.write((payload.length + 2) & 0xFF);
        out.writeBytes(payload);
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Whether {@code haystack} holds {@code needle} anywhere. */
    public static boolean contains(byte[] haystack, String needle) {
        return contains(haystack, needle.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static boolean contains(byte[] haystack, byte[] n) {
        outer : for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
