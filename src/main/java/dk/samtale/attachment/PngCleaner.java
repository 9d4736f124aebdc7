package dk.samtale.attachment;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Removes a PNG's metadata losslessly, by dropping chunks: every chunk that is not needed to draw the
 * picture is dropped — text ({@code tEXt}, {@code zTXt}, {@code iTXt}: authors, software, comments, often
 * a whole XMP packet), {@code eXIf} (EXIF, with GPS), {@code tIME} and any private chunk. What remains is
 * a whitelist of the critical chunks and those that change how it looks (transparency, gamma, colour).
 * Anything after {@code IEND} is dropped. Chunks are copied as they are (their CRC still holds).
 */
final class PngCleaner {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final Set<String> KEEP = Set.of("IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB",
            "iCCP", "sBIT", "bKGD", "pHYs");

    private PngCleaner() {
    }

    static void clean(InputStream raw, OutputStream rawOut) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        DataOutputStream out = new DataOutputStream(rawOut);
        byte[] signature = new byte[8];
        in.readFully(signature);
        if (!java.util.Arrays.equals(signature, SIGNATURE)) {
            throw new IOException("not a PNG");
        }
        out.write(SIGNATURE);
        while (true) {
            int length = in.readInt();
            if (length < 0) {
                throw new IOException("bad PNG chunk length");
            }
            byte[] typeBytes = new byte[4];
            in.readFully(typeBytes);
            String type = new String(typeBytes, StandardCharsets.US_ASCII);
            boolean keep = KEEP.contains(type);
            if (keep) {
                out.writeInt(length);
                out.write(typeBytes);
            }
            copyOrSkip(in, keep ? out : null, length + 4L); // data and CRC
            if (type.equals("IEND")) {
                out.flush();
                return;
            }
        }
    }

    private static void copyOrSkip(DataInputStream in, OutputStream out, long n) throws IOException {
        byte[] buffer = new byte[8192];
        while (n > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, n));
            if (read < 0) {
                throw new IOException("PNG ends inside a chunk");
            }
            if (out != null) {
                out.write(buffer, 0, read);
            }
            n -= read;
        }
    }
}
