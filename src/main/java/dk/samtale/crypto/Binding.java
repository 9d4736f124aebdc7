package dk.samtale.crypto;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Which row and field a sealed value belongs to; it is the associated data of the encryption, so a
 * value copied onto another row, field or tenant no longer decrypts.
 *
 * <p>
 * {@code conversation} is set for what belongs to one conversation (its content): such a value is sealed
 * under that conversation's own key (see {@link ConversationKeys}) and dies with it. It is not part of the
 * associated data: a value moved to another conversation's row meets another key and fails all the same.
 * Null for what outlives a conversation (a citizen's CPR number and name, devices, phone numbers).
 */
public record Binding(UUID tenant, UUID conversation, String table, UUID row, String field) {

    /** A value of the tenant that belongs to no one conversation. */
    public Binding(UUID tenant, String table, UUID row, String field) {
        this(tenant, null, table, row, field);
    }

    public static Binding messageBody(UUID tenant, UUID conversationId, UUID messageId) {
        return new Binding(tenant, conversationId, "message", messageId, "body");
    }

    public static Binding citizen(UUID tenant, UUID citizenId, String field) {
        return new Binding(tenant, "citizen", citizenId, field);
    }

    /** A conversation's subject (free text the citizen or staff typed). */
    public static Binding conversationSubject(UUID tenant, UUID conversationId) {
        return new Binding(tenant, conversationId, "conversation", conversationId, "subject");
    }

    /** A journal entry's payload (it holds the message text and the citizen's CPR). */
    public static Binding journalEntry(UUID tenant, UUID conversationId, UUID entryId) {
        return new Binding(tenant, conversationId, "journal_entry", entryId, "payload");
    }

    /** One field ({@code body}, {@code reason}) of a message's correction number {@code version}. */
    public static Binding messageCorrection(UUID tenant, UUID conversationId, UUID messageId, int version,
            String field) {
        return new Binding(tenant, conversationId, "message_correction", messageId,
                "correction-" + version + "-" + field);
    }

    /** A conversation's own key, wrapped by the tenant's data key (kept in the {@link KeyVault}). */
    static Binding conversationKey(UUID tenant, UUID conversationId) {
        return new Binding(tenant, "conversation_key", conversationId, "key");
    }

    byte[] aad() {
        return ("samtale/v1|" + tenant + "|" + table + "|" + row + "|" + field).getBytes(StandardCharsets.UTF_8);
    }
}
