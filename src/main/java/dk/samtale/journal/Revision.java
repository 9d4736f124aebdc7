package dk.samtale.journal;

import java.util.Map;

import dk.samtale.platform.LoggedEvent;

/**
 * Retractions and corrections of sent messages as journal entries of their own: the message's entry stays
 * in the chain as it was (records are not deleted from the case file), and a later entry says what
 * happened to it, pointing to its position ({@code refersTo}). A correction's entry carries the corrected
 * text as its body and the reason; a retraction's body says in Danish what happened.
 */
final class Revision {

    /** Event kind (conversation_event.kind) → documentType of its entry. */
    static final Map<String, String> DOCUMENT_TYPES = Map.of("retracted", "message-retracted", "corrected",
            "message-corrected");

    private Revision() {
    }

    static boolean handles(LoggedEvent e) {
        return DOCUMENT_TYPES.containsKey(e.kind());
    }

    static String documentType(LoggedEvent e) {
        return DOCUMENT_TYPES.get(e.kind());
    }

    /** The body of a retraction's entry: what happened and to which entry. */
    static String retracted(String actorName, Long position) {
        return "Beskeden" + (position == null ? "" : " i journalpost nr. " + position) + " blev trukket tilbage af "
                + (actorName == null ? "afsenderen" : actorName)
                + ", før modtageren havde læst den. Den oprindelige journalpost står uændret.";
    }
}
