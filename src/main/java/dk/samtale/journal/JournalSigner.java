package dk.samtale.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.jboss.logging.Logger;

/**
 * The service's journal signing key (Ed25519), read from a mounted file at start; generated only where
 * configuration allows it (demo, tests), like the key-encryption key. The private key never leaves this
 * class.
 */
@ApplicationScoped
public class JournalSigner {

    private static final Logger LOG = Logger.getLogger(JournalSigner.class);

    private final Ed25519PrivateKeyParameters key;
    private final Ed25519PublicKeyParameters publicKey;
    private final String keyId;

    JournalSigner(JournalConfig config) {
        Path file = Path.of(config.signingKeyFile());
        if (!Files.exists(file) && config.generateSigningKey()) {
            write(file, new Ed25519PrivateKeyParameters(new SecureRandom()));
            LOG.infof("Generated a journal signing key at %s (demo/test only)", file);
        }
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII);
            this.key = (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(Pem.decode(pem, "PRIVATE KEY"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the journal signing key " + file
                    + " (samtale.journal.signing-key-file, an Ed25519 PKCS#8 PEM): the service does not start without it");
        }
        this.publicKey = key.generatePublicKey();
        this.keyId = Jws.keyId(publicKey);
        LOG.infof("Journal entries are signed with Ed25519 key %s", keyId);
    }

    String sign(byte[] payload) {
        return Jws.sign(key, keyId, payload);
    }

    public String keyId() {
        return keyId;
    }

    public String publicKeyPem() {
        return Jws.publicKeyPem(publicKey);
    }

    Ed25519PublicKeyParameters publicKey() {
        return publicKey;
    }

    private static void write(Path file, Ed25519PrivateKeyParameters key) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, Pem.encode("PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(key)
                    .getEncoded()));
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
