package dk.samtale.platform;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 9457 problem details, as every REST error is written. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code, String instance,
        List<ProblemException.FieldError> errors, Integer retryAfterSeconds) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ErrorCode code, String detail, String instance) {
        return new Problem(code.type(), code.title(), code.status(), detail, code.code(), instance, null, null);
    }

    public static Problem of(ProblemException e, String instance) {
        ErrorCode c = e.code();
        return new Problem(c.type(), c.title(), c.status(), e.getMessage(), c.code(), instance,
                e.errors().isEmpty() ? null : e.errors(), e.retryAfterSeconds());
    }
}
