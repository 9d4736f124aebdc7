package dk.samtale.journal;

import java.util.Map;

import dk.samtale.platform.LoggedEvent;

/**
 * Lifecycle events of a conversation as journal entries of their own, in the same chain as its messages:
 * the case file can tell when and by whom the dialogue was opened, ended, reopened or moved, and which
 * case it belonged to at the time. Each kind has its own {@code documentType}; the entry's body says in
 * Danish what happened (with old and new values), for the caseworker reading the case file.
 */
final class Lifecycle {

    /** Event kind (conversation_event.kind) → documentType of its entry. */
    static final Map<String, String> DOCUMENT_TYPES = Map.of("opened", "conversation-opened", "closed",
            "conversation-closed", "reopened", "conversation-reopened", "transferred", "conversation-transferred",
            "case-set", "case-reference-set");

    /** The documentType of the conversation document (PDF/A) journaled when a conversation closes. */
    static final String DOCUMENT = "conversation-document";

    private Lifecycle() {
    }

    static boolean handles(LoggedEvent e) {
        return DOCUMENT_TYPES.containsKey(e.kind());
    }

    static String documentType(LoggedEvent e) {
        if ("case-set".equals(e.kind()) && hasOld(e)) {
            return "case-reference-changed";
        }
        return DOCUMENT_TYPES.get(e.kind());
    }

    private static boolean hasOld(LoggedEvent e) {
        return e.detailText("oldCaseNumber") != null || e.detailText("oldKleClass") != null
                || e.detailText("oldActionFacet") != null;
    }

    /** What happened, in Danish, with old and new values where the kind has them. */
    static String body(LoggedEvent e, String actorName) {
        String who = actorName == null ? "ukendt" : actorName;
        return switch (e.kind()) {
            case "opened" -> "Samtalen blev oprettet af " + who + ".";
            case "closed" -> "Samtalen blev lukket af " + who + ".";
            case "reopened" -> "Samtalen blev genåbnet af " + who + ".";
            case "transferred" ->
                "Samtalen blev overført af " + who + " fra enheden " + dash(e.detailText("fromUnitName"))
                        + " til enheden " + dash(e.detailText("toUnitName")) + ".";
            case "case-set" -> "Sagsreferencen blev " + (hasOld(e) ? "ændret" : "sat") + " af " + who
                    + ": sagsnummer " + dash(e.detailText("oldCaseNumber")) + " → " + dash(e.detailText("caseNumber"))
                    + ", KLE " + dash(e.detailText("oldKleClass")) + " → " + dash(e.detailText("kleClass"))
                    + ", handlingsfacet " + dash(e.detailText("oldActionFacet")) + " → "
                    + dash(e.detailText("actionFacet")) + ".";
            default -> e.kind();
        };
    }

    private static String dash(String s) {
        return s == null ? "–" : s;
    }
}
