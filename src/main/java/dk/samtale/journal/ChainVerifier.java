package dk.samtale.journal;

import java.util.Base64;
import java.util.Objects;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * Walks a tenant's chain in position order and says where it first breaks. The same rules serve the
 * verification API and the offline CLI ({@link VerifyJournal}): each entry must have the next position and
 * its previousHash must be the hash of the entry before (64 zeros at position 1).
 *
 * <p>
 * <b>Version 2</b> entries ({@code header} present): the hash is the SHA-256 of the header, the signature
 * verifies over the header, and the header agrees with the entry (position, previousHash, ids). A payload,
 * when present, must hash to the header's {@code payloadHash} and agree with it; a <b>redacted</b> entry has
 * none, and loses nothing of the chain's proof.
 *
 * <p>
 * <b>Version 1</b> entries (made before V18): the hash is the SHA-256 of the payload and the signature
 * covers the payload, which holds the position and previousHash. A redacted version 1 entry has no payload
 * to check: its hash is taken as given, and it is vouched for by the next entry, whose signed previousHash
 * must equal it. {@link #unvouched()} names a redacted version 1 entry that nothing after it vouches for
 * yet (the last checked one).
 */
public final class ChainVerifier {

    /** The previousHash of position 1. */
    public static final String GENESIS = "0".repeat(64);

    private final Ed25519PublicKeyParameters key;
    private long expectedPosition;
    private String expectedPrevious;
    private long redacted;
    private Long unvouched;

    /** Starts at {@code firstPosition}, whose previousHash must be {@code previousHash}. */
    public ChainVerifier(Ed25519PublicKeyParameters key, long firstPosition, String previousHash) {
        this.key = key;
        this.expectedPosition = firstPosition;
        this.expectedPrevious = previousHash;
    }

    public long expectedPosition() {
        return expectedPosition;
    }

    /** How many of the checked entries were redacted (their payload removed). */
    public long redacted() {
        return redacted;
    }

    /** The position of a redacted version 1 entry that no later checked entry vouches for; else null. */
    public Long unvouched() {
        return unvouched;
    }

    /** Null when the item is the valid next link; otherwise why not (and the walk should stop). */
    public String check(FeedItem item) {
        if (item.position() != expectedPosition) {
            return "expected position " + expectedPosition + " but found " + item.position()
                    + " (an entry is missing or out of order)";
        }
        if (!expectedPrevious.equals(item.previousHash())) {
            return "previousHash does not link to the entry before (an entry was altered, removed or reordered)";
        }
        String broken = item.headerSigned() ? checkVersion2(item) : checkVersion1(item);
        if (broken != null) {
            return broken;
        }
        if (item.redacted()) {
            redacted++;
        }
        // a signed entry vouches for the hash of the one before it, redacted or not
        unvouched = !item.headerSigned() && item.redacted() ? Long.valueOf(item.position()) : null;
        expectedPosition++;
        expectedPrevious = item.hash();
        return null;
    }

    private String checkVersion2(FeedItem item) {
        byte[] headerBytes;
        try {
            headerBytes = Base64.getDecoder().decode(item.header());
        } catch (RuntimeException e) {
            return "the header is not base64";
        }
        if (!Jws.hex(Jws.sha256(headerBytes)).equals(item.hash())) {
            return "the hash does not match the header (the entry was altered)";
        }
        JournalHeader header;
        try {
            header = JournalCodec.header(headerBytes);
        } catch (RuntimeException e) {
            return "the header is not a journal entry header";
        }
        if (!JournalHeader.VERSION.equals(header.version()) || header.position() != item.position()
                || !expectedPrevious.equals(header.previousHash()) || !item.id().equals(header.entryId())
                || !Objects.equals(item.messageId(), header.messageId())
                || !Objects.equals(item.conversationId(), header.conversationId())
                || !Objects.equals(item.payloadHash(), header.payloadHash())) {
            return "the signed header disagrees with the entry's position, previousHash, ids or payloadHash";
        }
        if (!Jws.verify(key, item.signature(), headerBytes)) {
            return "the signature does not verify with the service's public key";
        }
        if (item.payload() == null) {
            return item.redacted() ? null : "the payload is missing but the entry is not marked redacted";
        }
        if (item.redacted()) {
            return "an entry marked redacted still carries a payload";
        }
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(item.payload());
        } catch (RuntimeException e) {
            return "the payload is not base64";
        }
        if (!Jws.hex(Jws.sha256(payload)).equals(header.payloadHash())) {
            return "the payload does not match the signed payloadHash (the entry was altered)";
        }
        return agrees(item, payload);
    }

    private String checkVersion1(FeedItem item) {
        if (item.payload() == null) {
            // redacted: the hash is vouched for by the next entry's signed previousHash
            return item.redacted() ? null : "the payload is missing but the entry is not marked redacted";
        }
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(item.payload());
        } catch (RuntimeException e) {
            return "the payload is not base64";
        }
        if (!Jws.hex(Jws.sha256(payload)).equals(item.hash())) {
            return "the hash does not match the payload (the entry was altered)";
        }
        String disagrees = agrees(item, payload);
        if (disagrees != null) {
            return disagrees;
        }
        if (!Jws.verify(key, item.signature(), payload)) {
            return "the signature does not verify with the service's public key";
        }
        return null;
    }

    private String agrees(FeedItem item, byte[] payload) {
        JournalDocument doc;
        try {
            doc = JournalCodec.document(payload);
        } catch (RuntimeException e) {
            return "the payload is not a journal document";
        }
        if (doc.position() != item.position() || !expectedPrevious.equals(doc.previousHash())
                || !item.id().equals(doc.entryId()) || !Objects.equals(item.messageId(), doc.messageId())) {
            return "the signed payload disagrees with the entry's position, previousHash or ids";
        }
        return null;
    }
}
