package dk.samtale.journal;

import java.util.Base64;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * Walks a tenant's chain in position order and says where it first breaks. The same rules serve the
 * verification API and the offline CLI ({@link VerifyJournal}): each entry must have the next position,
 * its hash must be the SHA-256 of its payload, its previousHash must be the hash of the entry before
 * (64 zeros at position 1) — also inside the signed payload — and its signature must verify.
 */
public final class ChainVerifier {

    /** The previousHash of position 1. */
    public static final String GENESIS = "0".repeat(64);

    private final Ed25519PublicKeyParameters key;
    private long expectedPosition;
    private String expectedPrevious;

    /** Starts at {@code firstPosition}, whose previousHash must be {@code previousHash}. */
    public ChainVerifier(Ed25519PublicKeyParameters key, long firstPosition, String previousHash) {
        this.key = key;
        this.expectedPosition = firstPosition;
        this.expectedPrevious = previousHash;
    }

    public long expectedPosition() {
        return expectedPosition;
    }

    /** Null when the item is the valid next link; otherwise why not (and the walk should stop). */
    public String check(FeedItem item) {
        if (item.position() != expectedPosition) {
            return "expected position " + expectedPosition + " but found " + item.position()
                    + " (an entry is missing or out of order)";
        }
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(item.payload());
        } catch (RuntimeException e) {
            return "the payload is not base64";
        }
        String hash = Jws.hex(Jws.sha256(payload));
        if (!hash.equals(item.hash())) {
            return "the hash does not match the payload (the entry was altered)";
        }
        if (!expectedPrevious.equals(item.previousHash())) {
            return "previousHash does not link to the entry before (an entry was altered, removed or reordered)";
        }
        JournalDocument doc;
        try {
            doc = JournalCodec.document(payload);
        } catch (RuntimeException e) {
            return "the payload is not a journal document";
        }
        if (doc.position() != item.position() || !expectedPrevious.equals(doc.previousHash())
                || !item.id().equals(doc.entryId()) || !java.util.Objects.equals(item.messageId(), doc.messageId())) {
            return "the signed payload disagrees with the entry's position, previousHash or ids";
        }
        if (!Jws.verify(key, item.signature(), payload)) {
            return "the signature does not verify with the service's public key";
        }
        expectedPosition++;
        expectedPrevious = hash;
        return null;
    }
}
