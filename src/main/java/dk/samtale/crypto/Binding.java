package dk.samtale.crypto;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Which row and field a sealed value belongs to; it is the associated data of the encryption, so a
 * value copied onto another row, field or tenant no longer decrypts.
 */
public record Binding(UUID tenant, String table, UUID row, String field) {

    public static Binding messageBody(UUID tenant, UUID messageId) {
        return new Binding(tenant, "message", messageId, "body");
    }

    public static Binding citizen(UUID tenant, UUID citizenId, String field) {
        return new Binding(tenant, "citizen", citizenId, field);
    }

    /** A conversation's subject (free text the citizen or staff typed). */
    public static Binding conversationSubject(UUID tenant, UUID conversationId) {
        return new Binding(tenant, "conversation", conversationId, "subject");
    }

    /** A journal entry's payload (it holds the message text and the citizen's CPR). */
    public static Binding journalEntry(UUID tenant, UUID entryId) {
        return new Binding(tenant, "journal_entry", entryId, "payload");
    }

    /** One field ({@code body}, {@code reason}) of a message's correction number {@code version}. */
    public static Binding messageCorrection(UUID tenant, UUID messageId, int version, String field) {
        return new Binding(tenant, "message_correction", messageId, "correction-" + version + "-" + field);
    }

    byte[] aad() {
        return ("samtale/v1|" + tenant + "|" + table + "|" + row + "|" + field).getBytes(StandardCharsets.UTF_8);
    }
}
