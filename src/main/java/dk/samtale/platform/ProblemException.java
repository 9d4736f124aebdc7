package dk.samtale.platform;

import java.util.List;

/**
 * An expected failure with a stable {@link ErrorCode} and a detail that is safe to show to the
 * caller: it never carries message text, CPR or phone numbers.
 */
public class ProblemException extends RuntimeException {

    /** One invalid input field, for {@link ErrorCode#INVALID_FIELD}. */
    public record FieldError(String field, String message) {
    }

    private final ErrorCode code;
    private final List<FieldError> errors;
    private final Integer retryAfterSeconds;

    public ProblemException(ErrorCode code, String detail) {
        this(code, detail, List.of(), null);
    }

    public ProblemException(ErrorCode code, String detail, List<FieldError> errors, Integer retryAfterSeconds) {
        super(detail, null, false, false);
        this.code = code;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ProblemException invalid(String field, String message) {
        return new ProblemException(ErrorCode.INVALID_FIELD, field + ": " + message,
                List.of(new FieldError(field, message)), null);
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(ErrorCode.NOT_FOUND, what + " not found");
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(ErrorCode.FORBIDDEN, detail);
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
