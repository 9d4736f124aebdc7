package dk.samtale.journal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * The signature of a journal entry: a JWS with a detached payload (RFC 7515 appendix F), algorithm
 * EdDSA (Ed25519, RFC 8037). The compact form is {@code BASE64URL(header)..BASE64URL(signature)}; the
 * signing input is {@code BASE64URL(header) "." BASE64URL(payload)}, where the payload is the entry's
 * canonical bytes exactly as served. Static and dependency-free apart from Bouncy Castle, so the
 * verification CLI uses the same code.
 */
public final class Jws {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    private Jws() {
    }

    /** The detached compact JWS over {@code payload}. */
    static String sign(Ed25519PrivateKeyParameters key, String keyId, byte[] payload) {
        String header = B64URL.encodeToString(("{\"alg\":\"EdDSA\",\"kid\":\"" + keyId + "\"}")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] input = signingInput(header, payload);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(input, 0, input.length);
        return header + ".." + B64URL.encodeToString(signer.generateSignature());
    }

    /** Whether {@code jws} is a valid EdDSA signature of {@code payload} by {@code publicKey}. */
    public static boolean verify(Ed25519PublicKeyParameters publicKey, String jws, byte[] payload) {
        if (jws == null) {
            return false;
        }
        String[] parts = jws.split("\\.", -1);
        if (parts.length != 3 || !parts[1].isEmpty()) {
            return false;
        }
        try {
            String header = new String(B64URL_DECODER.decode(parts[0]), StandardCharsets.UTF_8);
            if (!header.contains("\"alg\":\"EdDSA\"")) {
                return false;
            }
            byte[] input = signingInput(parts[0], payload);
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, publicKey);
            verifier.update(input, 0, input.length);
            return verifier.verifySignature(B64URL_DECODER.decode(parts[2]));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] signingInput(String header, byte[] payload) {
        return (header + "." + B64URL.encodeToString(payload)).getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** A public key from PEM ({@code -----BEGIN PUBLIC KEY-----}, SubjectPublicKeyInfo). */
    public static Ed25519PublicKeyParameters publicKey(String pem) {
        try {
            return (Ed25519PublicKeyParameters) PublicKeyFactory.createKey(Pem.decode(pem, "PUBLIC KEY"));
        } catch (Exception e) {
            throw new IllegalArgumentException("not an Ed25519 public key in PEM", e);
        }
    }

    static String publicKeyPem(Ed25519PublicKeyParameters key) {
        try {
            return Pem.encode("PUBLIC KEY", SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key id: the first 8 bytes of the SHA-256 of the public key's SubjectPublicKeyInfo, hex. */
    static String keyId(Ed25519PublicKeyParameters key) {
        try {
            byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded();
            return hex(sha256(spki)).substring(0, 16);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
