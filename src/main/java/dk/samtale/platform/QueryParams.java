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

    /** A UUID, or null when absent; anything else is invalid-field. */
    public static java.util.UUID uuid(String field, String text) {
        try {
            return text == null ? null : java.util.UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(field, "must be a UUID");
        }
    }

    /** An RFC 3339 time, or null when absent; anything else is invalid-field. */
    public static java.time.Instant instant(String field, String text) {
        try {
            return text == null ? null : java.time.Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw ProblemException.invalid(field, "must be an RFC 3339 time, e.g. 2026-12-03T10:00:00Z");
        }
    }
}
