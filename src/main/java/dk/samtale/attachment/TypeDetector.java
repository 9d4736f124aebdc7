package dk.samtale.attachment;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeType;
import org.apache.tika.mime.MimeTypeException;
import org.apache.tika.mime.MimeTypes;

/**
 * The type of a file from its content (Tika's magic bytes, {@code tika-core} alone), and whether the
 * name's extension and the declared type agree with it. The name and the declared type never decide
 * the type: they can only cause a refusal when they disagree with the content.
 */
final class TypeDetector {

    private static final MimeTypes TYPES = MimeTypes.getDefaultMimeTypes();

    private TypeDetector() {
    }

    /** The base media type the content's magic bytes say (e.g. {@code image/jpeg}). */
    static String detect(InputStream content) throws IOException {
        // no name in the metadata: magic bytes only
        MediaType type = TYPES.detect(new BufferedInputStream(content), new Metadata());
        return TYPES.getMediaTypeRegistry().normalize(type).getBaseType().toString();
    }

    /** Whether the file name's extension (if it has one) belongs to the detected type. */
    static boolean nameFits(String fileName, String detected) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return true;
        }
        String ext = fileName.substring(dot).toLowerCase(Locale.ROOT);
        try {
            MimeType type = TYPES.forName(detected);
            List<String> extensions = type.getExtensions();
            return extensions.contains(ext);
        } catch (MimeTypeException e) {
            return false;
        }
    }

    /** Whether the declared Content-Type (if any, and not the generic octet-stream) is the detected one. */
    static boolean declaredFits(String declared, String detected) {
        if (declared == null || declared.isBlank()) {
            return true;
        }
        MediaType d = MediaType.parse(declared.strip());
        if (d == null) {
            return false;
        }
        MediaType base = TYPES.getMediaTypeRegistry().normalize(d.getBaseType());
        return base.equals(MediaType.OCTET_STREAM) || base.toString().equals(detected);
    }
}
