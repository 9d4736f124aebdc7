package dk.samtale.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * The key-encryption keys, read from mounted files at start: the current one wraps new data keys, the
 * previous ones only unwrap until an admin re-wraps. A KEK is named by a fingerprint (the first 8
 * bytes of its SHA-256), which is what the database records — never the key.
 */
@ApplicationScoped
public class KeyEncryptionKeys {

    private static final Logger LOG = Logger.getLogger(KeyEncryptionKeys.class);

    private final Map<String, byte[]> byId = new LinkedHashMap<>();
    private final String currentId;

    KeyEncryptionKeys(CryptoConfig config, MessageCipher cipher) {
        Path current = Path.of(config.kekFile());
        if (!Files.exists(current) && config.generateKek()) {
            write(current, cipher.newKey());
            LOG.infof("Generated a key-encryption key at %s (demo/test only)", current);
        }
        currentId = load(current);
        config.previousKekFiles().orElse(List.of()).forEach(f -> load(Path.of(f)));
        LOG.infof("Key-encryption key %s in use (%d earlier ones readable)", currentId, byId.size() - 1);
    }

    public String currentId() {
        return currentId;
    }

    byte[] current() {
        return byId.get(currentId);
    }

    /** The KEK with this fingerprint, or null if it is not mounted. */
    byte[] byId(String id) {
        return byId.get(id);
    }

    private String load(Path file) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the key-encryption key file " + file
                    + " (samtale.crypto.kek-file): the service does not start without it");
        }
        if (key.length != MessageCipher.KEY_BYTES) {
            throw new IllegalStateException("The key-encryption key in " + file + " is not 32 bytes (base64)");
        }
        String id = fingerprint(key);
        byId.putIfAbsent(id, key);
        return id;
    }

    static String fingerprint(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, byte[] key) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, Base64.getEncoder().encodeToString(key));
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
