package dk.samtale.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Which cleaner handles which detected type; only types that can be cleaned can ever be allowed. */
final class Cleaning {

    static final Set<String> SUPPORTED = Set.of("image/jpeg", "image/png", "application/pdf");

    /** The file cannot be cleaned: damaged, or a PDF that needs a password. */
    static final class Unreadable extends IOException {
        Unreadable(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private Cleaning() {
    }

    static boolean supports(String type) {
        return SUPPORTED.contains(type);
    }

    /** Writes the cleaned {@code in} to {@code out}; returns the image orientation to show it upright (1: as is). */
    static int clean(String type, Path in, Path out) throws IOException {
        try {
            switch (type) {
                case "image/jpeg" -> {
                    try (InputStream i = Files.newInputStream(in);
                            OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(out))) {
                        return JpegCleaner.clean(new java.io.BufferedInputStream(i), o);
                    }
                }
                case "image/png" -> {
                    try (InputStream i = Files.newInputStream(in);
                            OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(out))) {
                        PngCleaner.clean(new java.io.BufferedInputStream(i), o);
                        return 1;
                    }
                }
                case "application/pdf" -> {
                    PdfCleaner.clean(in, out);
                    return 1;
                }
                default -> throw new IllegalArgumentException("no cleaner for " + type);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("no cleaner")) {
                throw iae;
            }
            throw new Unreadable(e);
        }
    }
}
