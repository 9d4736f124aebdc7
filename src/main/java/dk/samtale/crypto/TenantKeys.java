package dk.samtale.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import org.jboss.logging.Logger;

/**
 * One tenant's unwrapped keys, held in memory for a short while: seals with the active data key,
 * opens with whichever key a value names, and computes blind indexes.
 */
public final class TenantKeys {

    private static final Logger LOG = Logger.getLogger(TenantKeys.class);

    private final UUID tenant;
    private final int activeKeyId;
    /** Data keys by id; a destroyed key maps to null. */
    private final Map<Integer, byte[]> dataKeys;
    private final byte[] indexKey;
    private final MessageCipher cipher;

    TenantKeys(UUID tenant, int activeKeyId, Map<Integer, byte[]> dataKeys, byte[] indexKey, MessageCipher cipher) {
        this.tenant = tenant;
        this.activeKeyId = activeKeyId;
        this.dataKeys = dataKeys;
        this.indexKey = indexKey;
        this.cipher = cipher;
    }

    public int activeKeyId() {
        return activeKeyId;
    }

    public byte[] seal(Binding binding, String plaintext) {
        check(binding);
        return cipher.seal(dataKeys.get(activeKeyId), activeKeyId, binding.aad(),
                plaintext.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Opens a sealed value.
     *
     * @throws Unreadable if it was altered or moved (logged as an integrity error) or its key was destroyed
     */
    public String open(Binding binding, byte[] sealed) {
        return new String(openBytes(binding, sealed), StandardCharsets.UTF_8);
    }

    /** Seals bytes (e.g. one chunk of an attachment) with the active data key. */
    public byte[] sealBytes(Binding binding, byte[] plaintext) {
        check(binding);
        return cipher.seal(dataKeys.get(activeKeyId), activeKeyId, binding.aad(), plaintext);
    }

    /**
     * Opens sealed bytes.
     *
     * @throws Unreadable if they were altered or moved (logged as an integrity error) or the key was destroyed
     */
    public byte[] openBytes(Binding binding, byte[] sealed) {
        check(binding);
        try {
            int keyId = MessageCipher.keyIdOf(sealed);
            if (!dataKeys.containsKey(keyId)) {
                throw new Unreadable(Unreadable.Reason.INTEGRITY, "sealed under a key this tenant does not have");
            }
            byte[] key = dataKeys.get(keyId);
            if (key == null) {
                throw new Unreadable(Unreadable.Reason.KEY_DESTROYED, "the key was destroyed");
            }
            return cipher.open(key, binding.aad(), sealed);
        } catch (Unreadable e) {
            if (e.reason() == Unreadable.Reason.INTEGRITY) {
                LOG.errorf("INTEGRITY: %s.%s of row %s (tenant %s) does not decrypt: %s", binding.table(),
                        binding.field(), binding.row(), tenant, e.getMessage());
            }
            throw e;
        }
    }

    /** Opens a value that may be absent; an unreadable one reads as null (the caller shows it as such). */
    public String openOrNull(Binding binding, byte[] sealed) {
        if (sealed == null) {
            return null;
        }
        try {
            return open(binding, sealed);
        } catch (Unreadable e) {
            return null;
        }
    }

    /** The blind index of a value: equal values give equal indexes, nothing else is revealed. */
    public byte[] index(String field, String value) {
        if (indexKey == null) {
            throw new Unreadable(Unreadable.Reason.KEY_DESTROYED, "the index key was destroyed");
        }
        return cipher.mac(indexKey, (tenant + "|" + field + "|" + value).getBytes(StandardCharsets.UTF_8));
    }

    private void check(Binding binding) {
        if (!tenant.equals(binding.tenant())) {
            throw new IllegalArgumentException("a binding of another tenant");
        }
    }
}
