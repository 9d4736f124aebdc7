package dk.samtale.attachment;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Removes a JPEG's metadata losslessly, by dropping segments: EXIF (with GPS, camera, times), XMP, IPTC
 * and Photoshop blocks (APP1, APP13), comments (COM) and every other application segment except the ones
 * that change how the picture looks: JFIF (APP0), the ICC colour profile (APP2 {@code ICC_PROFILE}) and
 * Adobe's colour transform (APP14). The EXIF orientation is kept, rewritten as a minimal EXIF block of
 * that one tag, because a phone photo shown without it stands on its side. The image data is copied
 * untouched; anything after the end-of-image marker is dropped. Streams: memory is one segment (at most
 * 64 KiB).
 */
final class JpegCleaner {

    private static final int SOI = 0xD8, EOI = 0xD9, SOS = 0xDA, COM = 0xFE, APP0 = 0xE0, APP1 = 0xE1,
            APP2 = 0xE2, APP14 = 0xEE, TEM = 0x01;

    private JpegCleaner() {
    }

    /**
     * Copies {@code raw} to {@code out} without metadata; returns the EXIF orientation kept (1 when none).
     *
     * @throws IOException when it is not a well-formed JPEG
     */
    static int clean(InputStream raw, OutputStream out) throws IOException {
        int kept = 1;
        DataInputStream in = new DataInputStream(raw);
        if (in.readUnsignedByte() != 0xFF || in.readUnsignedByte() != SOI) {
            throw new IOException("not a JPEG");
        }
        out.write(0xFF);
        out.write(SOI);
        while (true) {
            int marker = nextMarker(in);
            if (marker == EOI) {
                out.write(0xFF);
                out.write(EOI);
                return kept;
            }
            if (marker == TEM || (marker >= 0xD0 && marker <= 0xD7)) {
                out.write(0xFF);
                out.write(marker);
                continue;
            }
            int length = in.readUnsignedShort();
            if (length < 2) {
                throw new IOException("bad JPEG segment length");
            }
            byte[] payload = new byte[length - 2];
            in.readFully(payload);
            if (marker == SOS) {
                writeSegment(out, marker, payload);
                copyScans(in, out);
                return kept;
            }
            if (marker == APP1) {
                int orientation = orientation(payload);
                if (orientation > 1 && kept == 1) {
                    writeSegment(out, APP1, minimalExif(orientation));
                    kept = orientation;
                }
            } else if (keep(marker, payload)) {
                writeSegment(out, marker, payload);
            }
        }
    }

    private static boolean keep(int marker, byte[] payload) {
        if (marker == COM) {
            return false;
        }
        if (marker == APP0) {
            return startsWith(payload, "JFIF\0");
        }
        if (marker == APP2) {
            return startsWith(payload, "ICC_PROFILE\0");
        }
        if (marker == APP14) {
            return startsWith(payload, "Adobe");
        }
        // APP3..APP13, APP15: metadata of one program or another; everything else (tables, frame) is image
        return marker < 0xE0 || marker > 0xEF;
    }

    /** The entropy-coded data and any further tables and scans, up to and including EOI. */
    private static void copyScans(DataInputStream in, OutputStream out) throws IOException {
        int b;
        while ((b = in.read()) >= 0) {
            if (b != 0xFF) {
                out.write(b);
                continue;
            }
            int next = in.read();
            if (next < 0) {
                break;
            }
            out.write(0xFF);
            out.write(next);
            if (next == EOI) {
                return;
            }
        }
        throw new EOFException("JPEG ends without its end-of-image marker");
    }

    private static int nextMarker(DataInputStream in) throws IOException {
        int b = in.readUnsignedByte();
        if (b != 0xFF) {
            throw new IOException("JPEG marker expected");
        }
        int marker;
        do {
            marker = in.readUnsignedByte(); // fill bytes (0xFF) may precede a marker
        } while (marker == 0xFF);
        return marker;
    }

    private static void writeSegment(OutputStream out, int marker, byte[] payload) throws IOException {
        out.write(0xFF);
        out.write(marker);
        int length = payload.length + 2;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.write(payload);
    }

    /** The orientation tag (1..8) of an EXIF APP1 payload's first IFD, or 0. */
    static int orientation(byte[] payload) {
        if (!startsWith(payload, "Exif\0\0") || payload.length < 6 + 8) {
            return 0;
        }
        ByteBuffer tiff = ByteBuffer.wrap(payload, 6, payload.length - 6).slice();
        tiff.order(tiff.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        try {
            int ifd = tiff.getInt(4);
            int entries = tiff.getShort(ifd) & 0xFFFF;
            for (int i = 0; i < entries; i++) {
                int at = ifd + 2 + 12 * i;
                if ((tiff.getShort(at) & 0xFFFF) == 0x0112) {
                    int value = tiff.getShort(at + 8) & 0xFFFF;
                    return value >= 1 && value <= 8 ? value : 0;
                }
            }
        } catch (IndexOutOfBoundsException e) {
            return 0;
        }
        return 0;
    }

    /** An EXIF block with one tag: Orientation. */
    static byte[] minimalExif(int orientation) {
        ByteBuffer b = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4).order(ByteOrder.BIG_ENDIAN);
        b.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
        b.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        b.putShort((short) 1);
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        b.putInt(0);
        return b.array();
    }

    private static boolean startsWith(byte[] payload, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.ISO_8859_1);
        if (payload.length < p.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (payload[i] != p[i]) {
                return false;
            }
        }
        return true;
    }
}
