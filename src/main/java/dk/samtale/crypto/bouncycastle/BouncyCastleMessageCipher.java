package dk.samtale.crypto.bouncycastle;

import java.nio.ByteBuffer;
import java.security.SecureRandom;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.modes.gcm.BasicGCMMultiplier;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

import dk.samtale.crypto.MessageCipher;
import dk.samtale.crypto.Unreadable;

/**
 * AES-256-GCM and HMAC-SHA-256 on Bouncy Castle's lightweight API. A message body costs a few
 * microseconds, cheap enough for the event loop; bulk work (re-encryption) runs on worker threads.
 */
@ApplicationScoped
public class BouncyCastleMessageCipher implements MessageCipher {

    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER = 1 + 4;
    private final SecureRandom random = new SecureRandom();

    @Override
    public byte[] seal(byte[] key, int keyId, byte[] aad, byte[] plaintext) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        byte[] header = ByteBuffer.allocate(HEADER).put(VERSION).putInt(keyId).array();
        GCMModeCipher gcm = gcm(true, key, nonce, header, aad);
        byte[] out = new byte[HEADER + NONCE + gcm.getOutputSize(plaintext.length)];
        System.arraycopy(header, 0, out, 0, HEADER);
        System.arraycopy(nonce, 0, out, HEADER, NONCE);
        int n = gcm.processBytes(plaintext, 0, plaintext.length, out, HEADER + NONCE);
        try {
            gcm.doFinal(out, HEADER + NONCE + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("GCM encryption failed", e);
        }
        return out;
    }

    @Override
    public byte[] open(byte[] key, byte[] aad, byte[] sealed) {
        MessageCipher.keyIdOf(sealed); // checks version and length
        byte[] header = new byte[HEADER];
        System.arraycopy(sealed, 0, header, 0, HEADER);
        byte[] nonce = new byte[NONCE];
        System.arraycopy(sealed, HEADER, nonce, 0, NONCE);
        GCMModeCipher gcm = gcm(false, key, nonce, header, aad);
        int offset = HEADER + NONCE;
        byte[] out = new byte[gcm.getOutputSize(sealed.length - offset)];
        int n = gcm.processBytes(sealed, offset, sealed.length - offset, out, 0);
        try {
            gcm.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new Unreadable(Unreadable.Reason.INTEGRITY, "authentication tag mismatch");
        }
        return out;
    }

    /** Raw AES-256-GCM, for the known-answer tests: no header, caller's nonce. */
    static byte[] gcmEncrypt(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) throws InvalidCipherTextException {
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce, aad));
        byte[] out = new byte[gcm.getOutputSize(plaintext.length)];
        int n = gcm.processBytes(plaintext, 0, plaintext.length, out, 0);
        gcm.doFinal(out, n);
        return out;
    }

    @Override
    public byte[] mac(byte[] key, byte[] data) {
        HMac hmac = new HMac(new SHA256Digest());
        hmac.init(new KeyParameter(key));
        hmac.update(data, 0, data.length);
        byte[] out = new byte[hmac.getMacSize()];
        hmac.doFinal(out, 0);
        return out;
    }

    @Override
    public byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return key;
    }

    private static GCMModeCipher gcm(boolean encrypt, byte[] key, byte[] nonce, byte[] header, byte[] aad) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("AES-256 needs a 32-byte key");
        }
        // BasicGCMMultiplier: the default multiplier precomputes a 4 KB table per key init, which costs
        // more than it saves on bodies of a few hundred bytes (measured with bench `crypto`)
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance(), new BasicGCMMultiplier());
        // the header (version, key id) is authenticated along with the caller's binding
        byte[] associated = ByteBuffer.allocate(header.length + aad.length).put(header).put(aad).array();
        gcm.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce, associated));
        return gcm;
    }
}
