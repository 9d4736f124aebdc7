package dk.samtale.conversation;

import java.util.regex.Pattern;

import dk.samtale.platform.ProblemException;

/**
 * Where a conversation belongs in the municipality's case system: the case number (sagsnummer), the
 * KLE primary class (e.g. {@code 15.17.06}) and the KLE action facet (handlingsfacet, e.g. {@code G01}).
 * Each may be null (not known yet).
 */
public record CaseReference(String caseNumber, String kleClass, String actionFacet) {

    private static final Pattern CASE_NUMBER = Pattern.compile("[\\p{L}\\p{N}./:_ -]{1,64}");
    private static final Pattern KLE_CLASS = Pattern.compile("\\d{2}(\\.\\d{2}){0,2}");
    private static final Pattern ACTION_FACET = Pattern.compile("[A-Z]\\d{2}");

    /** The same reference, blank values as null, or invalid-field. */
    public CaseReference validated() {
        String c = blankToNull(caseNumber);
        String k = blankToNull(kleClass);
        String a = blankToNull(actionFacet);
        if (c != null && !CASE_NUMBER.matcher(c).matches()) {
            throw ProblemException.invalid("caseNumber", "1 to 64 letters, digits, spaces or . / : _ -");
        }
        if (k != null && !KLE_CLASS.matcher(k).matches()) {
            throw ProblemException.invalid("kleClass", "a KLE number such as 15.17.06");
        }
        if (a != null && !ACTION_FACET.matcher(a).matches()) {
            throw ProblemException.invalid("actionFacet", "a KLE action facet such as G01");
        }
        return new CaseReference(c, k, a);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
