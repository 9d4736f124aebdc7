package dk.samtale.journal;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The canonical payload of a journal entry — what the signed header's payloadHash covers (in a version 1
 * entry: what the hash and the signature cover) — modelled on the OIO Sag/Dokument model. Encoded by {@link JournalCodec}: UTF-8 JSON, these fields in this order,
 * every field present (null when unknown), no insignificant whitespace. Consumers never re-encode it:
 * they hash and verify the bytes exactly as served (base64 in {@code payload}).
 *
 * @param version always {@code samtale-journal/1}
 * @param tenant the municipality's slug
 * @param position gap-free per tenant, from 1
 * @param previousHash the previous entry's hash (of its signed header, or of its payload for a version 1
 *        entry, see {@link FeedItem}); 64 zeros for position 1
 * @param caseNumber sagsnummer, as known when the entry was made
 * @param primaryClass KLE primary class (e.g. 15.17.06)
 * @param actionFacet KLE action facet (handlingsfacet, e.g. G01)
 * @param party the citizen (part), CPR in the clear: the payload is sealed at rest and served only to
 *        the tenant's case system
 * @param title the conversation's subject
 * @param letterDate when the message was sent (RFC 3339, UTC, milliseconds)
 * @param documentType {@code besked} (a message), a lifecycle type ({@code conversation-opened},
 *        {@code conversation-closed}, {@code conversation-reopened}, {@code conversation-transferred},
 *        {@code case-reference-set}, {@code case-reference-changed}) or {@code conversation-document}
 * @param direction {@code received} (from the citizen) or {@code sent} (by staff)
 * @param channel app, web or sms
 * @param body the message text; null only when it cannot be decrypted (then bodyError says why)
 * @param refersTo only in {@code message-retracted} and {@code message-corrected} entries: the message they
 *        concern and its entry (which stays in the chain as it was; their own {@code messageId} is null, as
 *        the feed's is); absent from every other entry, so the bytes of those are exactly as before
 * @param reason only in {@code message-corrected} entries: why staff corrected the message
 */
@JsonPropertyOrder({"version", "entryId", "tenant", "position", "previousHash", "caseNumber", "primaryClass",
        "actionFacet", "party", "title", "letterDate", "documentType", "direction", "channel", "author", "body",
        "bodyError", "attachments", "conversationId", "messageId", "seq", "journaledAt", "refersTo", "reason"})
public record JournalDocument(String version, UUID entryId, String tenant, long position, String previousHash,
        String caseNumber, String primaryClass, String actionFacet, Party party, String title, String letterDate,
        String documentType, String direction, String channel, Author author, String body, String bodyError,
        List<Attachment> attachments, UUID conversationId, UUID messageId, long seq, String journaledAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Reference refersTo,
        @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {

    public static final String VERSION = "samtale-journal/1";

    public JournalDocument(String version, UUID entryId, String tenant, long position, String previousHash,
            String caseNumber, String primaryClass, String actionFacet, Party party, String title, String letterDate,
            String documentType, String direction, String channel, Author author, String body, String bodyError,
            List<Attachment> attachments, UUID conversationId, UUID messageId, long seq, String journaledAt) {
        this(version, entryId, tenant, position, previousHash, caseNumber, primaryClass, actionFacet, party, title,
                letterDate, documentType, direction, channel, author, body, bodyError, attachments, conversationId,
                messageId, seq, journaledAt, null, null);
    }

    /**
     * The message another entry concerns, and its entry: position in the tenant's chain and id (null when
     * the message has no entry, which the log's order rules out but an erased chain could cause).
     */
    @JsonPropertyOrder({"messageId", "position", "entryId"})
    public record Reference(UUID messageId, Long position, UUID entryId) {
    }

    @JsonPropertyOrder({"cpr", "name"})
    public record Party(String cpr, String name) {
    }

    /**
     * A file that is part of the entry. Either its content is included (base64), so the hash and the
     * signature cover it: the conversation document (PDF/A) is such an attachment ({@code id} and
     * {@code href} null). Or it is a file a message carries: {@code content} null, and the case system
     * fetches the cleaned bytes from {@code href} (relative to the service, journal-reader of the tenant)
     * and checks them against {@code sha256}, which the signature covers.
     */
    @JsonPropertyOrder({"fileName", "mediaType", "size", "sha256", "content", "id", "href"})
    public record Attachment(String fileName, String mediaType, long size, String sha256, String content, UUID id,
            String href) {

        public Attachment(String fileName, String mediaType, long size, String sha256, String content) {
            this(fileName, mediaType, size, sha256, content, null, null);
        }

        /** Where the case system fetches a message's file. */
        public static String href(UUID id) {
            return "/api/v1/journal/attachments/" + id;
        }
    }

    @JsonPropertyOrder({"kind", "id", "name"})
    public record Author(String kind, UUID id, String name) {
    }
}
