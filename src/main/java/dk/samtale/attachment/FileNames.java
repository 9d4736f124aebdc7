package dk.samtale.attachment;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dk.samtale.platform.ProblemException;

/**
 * File names in and out of {@code Content-Disposition} (RFC 6266, with RFC 8187's {@code filename*} for
 * names beyond ASCII, e.g. "lønseddel.pdf"). A name is only ever shown to people: path parts, control
 * characters and surrounding blanks are removed and it is cut to {@link #MAX} characters.
 */
final class FileNames {

    static final int MAX = 200;
    private static final Pattern EXTENDED = Pattern.compile("filename\\*\\s*=\\s*(?i:utf-8)'[^']*'([^;\\s]+)");
    private static final Pattern QUOTED = Pattern.compile("filename\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern TOKEN = Pattern.compile("filename\\s*=\\s*([^;\\s\"]+)");

    private FileNames() {
    }

    /** The file name a request's Content-Disposition gives; invalid-field when there is none. */
    static String fromDisposition(String header) {
        String name = null;
        if (header != null) {
            Matcher m = EXTENDED.matcher(header);
            if (m.find()) {
                try {
                    name = URLDecoder.decode(m.group(1).replace("+", "%2B"), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    name = null;
                }
            }
            if (name == null && (m = QUOTED.matcher(header)).find()) {
                name = m.group(1).replaceAll("\\\\(.)", "$1");
            }
            if (name == null && (m = TOKEN.matcher(header)).find()) {
                name = m.group(1);
            }
        }
        String clean = name == null ? "" : sanitise(name);
        if (clean.isEmpty()) {
            throw ProblemException.invalid("Content-Disposition",
                    "a file name is required: attachment; filename*=UTF-8''<percent-encoded name>");
        }
        return clean;
    }

    static String sanitise(String name) {
        String n = Normalizer.normalize(name, Normalizer.Form.NFC);
        n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
        n = n.codePoints().filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        if (n.codePointCount(0, n.length()) > MAX) {
            n = n.substring(0, n.offsetByCodePoints(0, MAX));
        }
        return n;
    }

    /** A response header that saves the file under its name, in every browser. */
    static String attachmentHeader(String name) {
        String ascii = name.replaceAll("[^\\x20-\\x7E]", "_").replace("\\", "_").replace("\"", "_");
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
