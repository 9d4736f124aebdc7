package dk.samtale.journal;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One journal entry as the pull feed and the push adapter serve it. Encoded once, when the entry is
 * made, and stored sealed; serving it is decrypting and concatenating.
 *
 * <p>
 * Two formats. <b>Version 2</b> (every entry made since V18): {@code header} is present; {@code hash} is the
 * SHA-256 of the header bytes, the signature covers the header, and the header commits to the payload by
 * {@code payloadHash}. Its payload can be removed ({@code redacted: true}, {@code payload} and
 * {@code envelopedPayload} null) when its conversation is deleted, and the entry still verifies.
 * <b>Version 1</b> (older entries, stored and served exactly as they were made): no {@code header};
 * {@code hash} is the SHA-256 of the payload and the signature covers the payload. A redacted version 1
 * entry keeps its hash, which the next entry's signed {@code previousHash} vouches for.
 *
 * @param id stable entry id: the consumer's dedupe key and the push idempotency key
 * @param hash version 2: hex SHA-256 of the decoded {@code header} bytes; version 1: of the {@code payload}
 *        bytes
 * @param previousHash the previous entry's hash (64 zeros at position 1); also inside the signed header (and
 *        the payload)
 * @param signature detached JWS (EdDSA) over the header bytes (version 1: the payload bytes), see {@link Jws}
 * @param header version 2 only: base64 of the canonical {@link JournalHeader}; null for version 1
 * @param payloadHash version 2 only: hex SHA-256 of the payload bytes, as in the header
 * @param redacted true when the payload was removed (its conversation was deleted)
 * @param payload base64 of the canonical payload ({@link JournalDocument}); null when redacted
 * @param envelopedPayload base64 DER of a CMS EnvelopedData of the payload bytes to the case system's
 *        certificate, when the tenant configured one; else null (and null when redacted)
 */
@JsonPropertyOrder({"id", "position", "messageId", "conversationId", "hash", "previousHash", "signature", "header",
        "payloadHash", "redacted", "payload", "envelopedPayload"})
public record FeedItem(UUID id, long position, UUID messageId, UUID conversationId, String hash, String previousHash,
        String signature, @JsonInclude(JsonInclude.Include.NON_NULL) String header,
        @JsonInclude(JsonInclude.Include.NON_NULL) String payloadHash, boolean redacted, String payload,
        String envelopedPayload) {

    /** A version 2 entry (hash and signature over the header). */
    public boolean headerSigned() {
        return header != null;
    }

    /** The same entry without its payload: what is served once its conversation is deleted. */
    public FeedItem withoutPayload() {
        return new FeedItem(id, position, messageId, conversationId, hash, previousHash, signature, header,
                payloadHash, true, null, null);
    }
}
