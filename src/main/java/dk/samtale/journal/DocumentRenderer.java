package dk.samtale.journal;

/**
 * Renders a {@link ConversationDocument} for the case file, as an archival PDF (PDF/A). CPU-bound and
 * blocking: call it on a worker thread.
 */
public interface DocumentRenderer {

    String MEDIA_TYPE = "application/pdf";

    byte[] render(ConversationDocument document);
}
