package dk.samtale.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import org.jboss.logging.Logger;

/**
 * One tenant's unwrapped keys, held in memory for a short while: seals with the active data key,
 * opens with whichever key a value names, and computes blind indexes. A view made by
 * {@link ConversationKeys} also holds the keys of the conversations it was asked for: a value bound to one
 * of them ({@link Binding#conversation()}) is sealed under that conversation's key.
 */
public final class TenantKeys {

    private static final Logger LOG = Logger.getLogger(TenantKeys.class);

    private final UUID tenant;
    private final int activeKeyId;
    /** Data keys by id; a destroyed key maps to null. */
    private final Map<Integer, byte[]> dataKeys;
    private final byte[] indexKey;
    private final MessageCipher cipher;
    /**
     * The conversations this view was made for, with their keys; null for one that has none (opened before
     * conversations had keys, or deleted).
     */
    private final Map<UUID, byte[]> conversationKeys;

    TenantKeys(UUID tenant, int activeKeyId, Map<Integer, byte[]> dataKeys, byte[] indexKey, MessageCipher cipher) {
        this(tenant, activeKeyId, dataKeys, indexKey, cipher, Map.of());
    }

    private TenantKeys(UUID tenant, int activeKeyId, Map<Integer, byte[]> dataKeys, byte[] indexKey,
            MessageCipher cipher, Map<UUID, byte[]> conversationKeys) {
        this.tenant = tenant;
        this.activeKeyId = activeKeyId;
        this.dataKeys = dataKeys;
        this.indexKey = indexKey;
        this.cipher = cipher;
        this.conversationKeys = conversationKeys;
    }

    /** This tenant's keys with these conversations' keys (a null key: the conversation has none). */
    TenantKeys with(Map<UUID, byte[]> conversations) {
        return new TenantKeys(tenant, activeKeyId, dataKeys, indexKey, cipher, conversations);
    }

    /** Whether this view holds a key of that conversation. */
    boolean hasConversationKey(UUID conversation) {
        return conversationKeys.get(conversation) != null;
    }

    /** Whether the tenant data key {@code id} is here and not destroyed. */
    boolean has(int id) {
        return dataKeys.get(id) != null;
    }

    public int activeKeyId() {
        return activeKeyId;
    }

    /**
     * The key id a value bound to {@code binding} is sealed under now: {@link MessageCipher#CONVERSATION_KEY}
     * when it belongs to a conversation that has a key, else the active tenant key. What a re-sealing job
     * compares stored key ids with.
     */
    public int keyIdFor(Binding binding) {
        return conversationKey(binding) != null ? MessageCipher.CONVERSATION_KEY : activeKeyId;
    }

    public byte[] seal(Binding binding, String plaintext) {
        return sealBytes(binding, plaintext.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Opens a sealed value.
     *
     * @throws Unreadable if it was altered or moved (logged as an integrity error) or its key was destroyed
     */
    public String open(Binding binding, byte[] sealed) {
        return new String(openBytes(binding, sealed), StandardCharsets.UTF_8);
    }

    /**
     * Seals bytes (a value, one chunk of an attachment): under the conversation's key when the binding names
     * a conversation that has one, else under the tenant's active data key.
     */
    public byte[] sealBytes(Binding binding, byte[] plaintext) {
        check(binding);
        byte[] conversationKey = conversationKey(binding);
        return conversationKey != null
                ? cipher.seal(conversationKey, MessageCipher.CONVERSATION_KEY, binding.aad(), plaintext)
                : cipher.seal(dataKeys.get(activeKeyId), activeKeyId, binding.aad(), plaintext);
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
            byte[] key;
            if (keyId == MessageCipher.CONVERSATION_KEY) {
                if (binding.conversation() == null) {
                    throw new Unreadable(Unreadable.Reason.INTEGRITY, "a conversation's value in a field of none");
                }
                key = conversationKey(binding);
                if (key == null) {
                    throw new Unreadable(Unreadable.Reason.KEY_DESTROYED, "the conversation's key was destroyed");
                }
            } else {
                if (!dataKeys.containsKey(keyId)) {
                    throw new Unreadable(Unreadable.Reason.INTEGRITY, "sealed under a key this tenant does not have");
                }
                key = dataKeys.get(keyId);
                if (key == null) {
                    throw new Unreadable(Unreadable.Reason.KEY_DESTROYED, "the key was destroyed");
                }
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

    /**
     * The value sealed anew under the key it belongs under now ({@link #keyIdFor}); null if it is absent,
     * already there, or cannot be read (it stays as it is: an altered value never becomes readable).
     */
    public byte[] resealed(Binding binding, byte[] sealed) {
        if (sealed == null || MessageCipher.keyIdOf(sealed) == keyIdFor(binding)) {
            return null;
        }
        try {
            return sealBytes(binding, openBytes(binding, sealed));
        } catch (Unreadable e) {
            return null;
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

    /**
     * The key of the binding's conversation, or null when the value belongs to no conversation or the
     * conversation has no key.
     *
     * @throws IllegalStateException when the value belongs to a conversation this view was not made for: a
     *         caller that took {@code KeyRing.tenant} for a conversation's content would otherwise seal it
     *         under the tenant key, where deleting the conversation cannot reach it
     */
    private byte[] conversationKey(Binding binding) {
        UUID conversation = binding.conversation();
        if (conversation == null) {
            return null;
        }
        if (!conversationKeys.containsKey(conversation)) {
            throw new IllegalStateException("the keys of conversation " + conversation + " were not loaded for "
                    + binding.table() + "." + binding.field() + " (use ConversationKeys)");
        }
        return conversationKeys.get(conversation);
    }
}
