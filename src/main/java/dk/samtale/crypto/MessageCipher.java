package dk.samtale.crypto;

/**
 * Authenticated encryption of one value under one key, and keyed hashing for blind indexes.
 *
 * <p>
 * Sealed format (version 1): {@code 0x01 | key id (4 bytes, big-endian) | nonce (12) | ciphertext |
 * tag (16)}. The key id is covered by the tag (it is part of the associated data), so a sealed value
 * cannot be relabelled to another key; the caller's associated data binds it to its row and field.
 * A fresh random 96-bit nonce is drawn for every seal.
 *
 * <p>
 * Key id {@value #CONVERSATION_KEY} (tenant data keys are numbered from 1) names the key of the conversation
 * the value belongs to ({@link Binding#conversation()}), kept in the {@link KeyVault}: values sealed before
 * conversations had keys keep naming their tenant key and stay readable, so no bulk migration is needed.
 */
public interface MessageCipher {

    byte VERSION = 1;
    int KEY_BYTES = 32;
    /** The key id that means "this value's conversation key". */
    int CONVERSATION_KEY = 0;

    /** Encrypts {@code plaintext} under a 256-bit key, bound to {@code aad}. */
    byte[] seal(byte[] key, int keyId, byte[] aad, byte[] plaintext);

    /**
     * Decrypts a sealed value.
     *
     * @throws Unreadable with reason {@link Unreadable.Reason#INTEGRITY} if the value, its tag, its key id
     *         or its associated data do not match
     */
    byte[] open(byte[] key, byte[] aad, byte[] sealed);

    /** The key id a sealed value claims (not yet authenticated). */
    static int keyIdOf(byte[] sealed) {
        if (sealed == null || sealed.length < 1 + 4 + 12 + 16 || sealed[0] != VERSION) {
            throw new Unreadable(Unreadable.Reason.INTEGRITY, "not a sealed value of a known version");
        }
        return ((sealed[1] & 0xff) << 24) | ((sealed[2] & 0xff) << 16) | ((sealed[3] & 0xff) << 8) | (sealed[4] & 0xff);
    }

    /** HMAC-SHA-256 of {@code data} under {@code key}. */
    byte[] mac(byte[] key, byte[] data);

    /** Fresh random key material. */
    byte[] newKey();
}
