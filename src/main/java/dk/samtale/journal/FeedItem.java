package dk.samtale.journal;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One journal entry as the pull feed and the push adapter serve it. Encoded once, when the entry is
 * made, and stored sealed; serving it is decrypting and concatenating.
 *
 * @param id stable entry id: the consumer's dedupe key and the push idempotency key
 * @param hash hex SHA-256 of the decoded {@code payload} bytes
 * @param previousHash the previous entry's hash (64 zeros at position 1); also inside the payload
 * @param signature detached JWS (EdDSA) over the payload bytes, see {@link Jws}
 * @param payload base64 of the canonical payload ({@link JournalDocument})
 * @param envelopedPayload base64 DER of a CMS EnvelopedData of the payload bytes to the case system's
 *        certificate, when the tenant configured one; else null
 */
@JsonPropertyOrder({"id", "position", "messageId", "conversationId", "hash", "previousHash", "signature", "payload",
        "envelopedPayload"})
public record FeedItem(UUID id, long position, UUID messageId, UUID conversationId, String hash, String previousHash,
        String signature, String payload, String envelopedPayload) {
}
