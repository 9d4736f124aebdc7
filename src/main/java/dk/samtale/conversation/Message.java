package dk.samtale.conversation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import dk.samtale.identity.Actor;

/**
 * A stored message. {@code seq} is gap-free and strictly increasing within its conversation. When the
 * stored body cannot be decrypted, {@code body} is null and {@code bodyError} says why
 * ({@code integrity-error}, {@code key-destroyed}); the message is still listed.
 *
 * <p>
 * {@code smsAllowed}: staff marked it not sensitive (its text may go by SMS). {@code smsState}: where its
 * SMS is (queued, sent, delivered, failed; null when none goes) — for staff only, see {@link #visibleTo}.
 * {@code attachments}: the files it carries, in the order the sender named them (absent when none).
 *
 * <p>
 * {@code retractedAt}: the sender took it back; {@code body} is null for everyone from then on (the case
 * journal keeps the original). {@code correction}: staff corrected it (berigtigelse); {@code body} is the
 * corrected text, and staff also see the original text and the reason. Both absent for a plain message.
 */
public record Message(UUID id, UUID conversationId, long seq, Actor sender, String clientMessageId, String body,
        String bodyError, Channel channel, Instant createdAt, boolean smsAllowed, String smsState,
        @JsonInclude(JsonInclude.Include.NON_NULL) String journalState,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<MessageFiles.File> attachments,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant retractedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Correction correction) {

    public Message {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /**
     * The newest correction: its number (1, 2, …), when it was made and — for staff only — its reason and
     * the text as first sent ({@code originalBody}; null when that cannot be decrypted).
     */
    public record Correction(int version, Instant correctedAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
            @JsonInclude(JsonInclude.Include.NON_NULL) String originalBody) {
    }

    public Message(UUID id, UUID conversationId, long seq, Actor sender, String clientMessageId, String body,
            String bodyError, Channel channel, Instant createdAt, boolean smsAllowed, String smsState,
            String journalState) {
        this(id, conversationId, seq, sender, clientMessageId, body, bodyError, channel, createdAt, smsAllowed,
                smsState, journalState, List.of(), null, null);
    }

    public Message(UUID id, UUID conversationId, long seq, Actor sender, String clientMessageId, String body,
            String bodyError, Channel channel, Instant createdAt) {
        this(id, conversationId, seq, sender, clientMessageId, body, bodyError, channel, createdAt, false, null, null);
    }

    public Message(UUID id, UUID conversationId, long seq, Actor sender, String clientMessageId, String body,
            String bodyError, Channel channel, Instant createdAt, boolean smsAllowed, String smsState) {
        this(id, conversationId, seq, sender, clientMessageId, body, bodyError, channel, createdAt, smsAllowed,
                smsState, null);
    }

    /**
     * The message as this reader may see it: citizens never see SMS delivery state, nor a correction's
     * reason or original text.
     */
    public Message visibleTo(boolean staff) {
        if (staff || (smsState == null && (correction == null || correction.reason() == null))) {
            return this;
        }
        return new Message(id, conversationId, seq, sender, clientMessageId, body, bodyError, channel, createdAt,
                smsAllowed, null, journalState, attachments, retractedAt,
                correction == null
                        ? null
                        : new Correction(correction.version(), correction.correctedAt(), null,
                                null));
    }

    public Message withSmsState(String state) {
        return new Message(id, conversationId, seq, sender, clientMessageId, body, bodyError, channel, createdAt,
                smsAllowed, state, journalState, attachments, retractedAt, correction);
    }

    /**
     * The same message with its journal state (pending, journaled, acknowledged), for staff callers only:
     * citizens never see it.
     */
    public Message withJournalState(String state) {
        return new Message(id, conversationId, seq, sender, clientMessageId, body, bodyError, channel, createdAt,
                smsAllowed, smsState, state, attachments, retractedAt, correction);
    }

    /** The same message with the files it carries (described by the attachment feature). */
    public Message withAttachments(List<MessageFiles.File> files) {
        return new Message(id, conversationId, seq, sender, clientMessageId, body, bodyError, channel, createdAt,
                smsAllowed, smsState, journalState, files, retractedAt, correction);
    }

    public enum Channel {
        app, web, sms
    }

    public Ack ack() {
        return new Ack(clientMessageId, id, conversationId, seq, createdAt);
    }

    @Override
    public String toString() {
        // never the body
        return "Message[" + conversationId + "#" + seq + "]";
    }
}
