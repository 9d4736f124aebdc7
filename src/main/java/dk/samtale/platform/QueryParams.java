package dk.samtale.platform;

/** Query parameters arrive as text, so that a malformed one is a 400 invalid-field, not JAX-RS's 404. */
public final class QueryParams {

    private QueryParams() {
    }

    /** A whole number of at least {@code min}; anything else is invalid-field. */
    public static long number(String field, String text, long min) {
        try {
            long n = Long.parseLong(text.strip());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ProblemException.invalid(field, "must be a whole number of at least " + min);
    }
}
