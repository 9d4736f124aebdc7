package dk.samtale.attachment;

import java.time.Instant;
import java.util.UUID;

/**
 * One uploaded file as the API shows it. {@code size} and {@code sha256} are those of the cleaned file
 * (what is served and journaled); they are null while the upload waits quarantined.
 */
public record Attachment(UUID id, UUID conversationId, String fileName, String mediaType, Long size, String sha256,
        State state, boolean hasThumbnail, UUID messageId, Instant createdAt) {

    public enum State {
        /** Scanned clean and cleaned: can go with a message. */
        accepted,
        /** The scanner was unavailable: waits for a rescan, never served unscanned. */
        quarantined,
        /** Malware: refused; nothing of the content is kept. */
        infected,
        /** Scanned clean after a quarantine but could not be cleaned (damaged, password-protected). */
        refused
    }

    @Override
    public String toString() {
        return "Attachment[" + id + " " + mediaType + " " + state + "]";
    }
}
