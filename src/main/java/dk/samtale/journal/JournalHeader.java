package dk.samtale.journal;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What a version 2 entry's hash and signature cover: a small header that commits to the payload by its
 * SHA-256, instead of the payload itself. The payload of an entry can then be removed (redacted, when
 * its conversation is deleted) while the chain still links and every signature still verifies: the
 * header stays. Encoded by {@link JournalCodec} like the payload (these fields in this order, every
 * field present, no whitespace) and served base64 in the entry's {@code header}; consumers hash and
 * verify those bytes, never a re-encoding.
 *
 * <p>
 * Nothing personal is in it: ids, positions, hashes, the kind of document and when it was journaled.
 *
 * @param version always {@link #VERSION}
 * @param entryId the entry's id (as in the feed item and the payload)
 * @param tenant the municipality's slug
 * @param position gap-free per tenant, from 1
 * @param previousHash the previous entry's hash (64 zeros at position 1): of its header for a version 2
 *        entry, of its payload for a version 1 entry
 * @param payloadHash hex SHA-256 of the payload bytes (which are gone once the entry is redacted)
 * @param documentType the payload's documentType ({@code besked}, {@code conversation-closed} …)
 * @param conversationId the conversation the entry belongs to
 * @param messageId the message of a {@code besked} entry; null for other entries
 * @param journaledAt when the entry was made (RFC 3339, UTC, milliseconds)
 */
@JsonPropertyOrder({"version", "entryId", "tenant", "position", "previousHash", "payloadHash", "documentType",
        "conversationId", "messageId", "journaledAt"})
public record JournalHeader(String version, UUID entryId, String tenant, long position, String previousHash,
        String payloadHash, String documentType, UUID conversationId, UUID messageId, String journaledAt) {

    public static final String VERSION = "samtale-journal-entry/2";
}
