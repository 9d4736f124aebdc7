package dk.samtale.platform;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * The one place where failures become RFC 9457 problems: stable type URIs, safe details, no stack
 * traces, exception class names or personal data.
 */
class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder r = respond(Problem.of(e, path(uri)));
        if (e.retryAfterSeconds() != null) {
            r.header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds());
        }
        return r.build();
    }

    @ServerExceptionMapper
    Response malformedJson(JsonProcessingException e, UriInfo uri) {
        // Jackson's message can quote the input, so it is not passed on.
        return respond(Problem.of(ErrorCode.MALFORMED_JSON, "The request body is not valid JSON for this operation",
                path(uri))).build();
    }

    @ServerExceptionMapper
    Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        // Jackson's message can quote the input, so it is not passed on. (This mapper must exist: Quarkus'
        // own one for this exception would answer with a body that is not a problem document.)
        if (e instanceof InvalidFormatException f && f.getTargetType() == UUID.class
                && f.getValue() instanceof String) {
            return respond(Problem.of(ProblemException.invalid(field(e), "must be a UUID"), path(uri))).build();
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() == String.class
                && f.getValue() instanceof String v && v.indexOf('\u0000') >= 0) {
            return respond(Problem.of(ProblemException.invalid(field(e), "must not contain U+0000"), path(uri)))
                    .build();
        }
        if (fieldNamed(e) != null) {
            // valid JSON with a value of the wrong type ({"body": 42}): the JSON is fine, the field is
            // not; the WebSocket answers the same (asyncapi.yaml)
            return respond(Problem.of(ProblemException.invalid(fieldNamed(e), "has the wrong JSON type"), path(uri)))
                    .build();
        }
        return malformedJson(e, uri); // the document as a whole has the wrong shape (an array, a string)
    }

    /** The innermost field name on the failure's path, or null when it failed at the top. */
    private static String fieldNamed(JsonMappingException e) {
        List<JsonMappingException.Reference> refs = e.getPath();
        for (int i = refs.size() - 1; i >= 0; i--) {
            if (refs.get(i).getFieldName() != null) {
                return refs.get(i).getFieldName();
            }
        }
        return null;
    }

    private static String field(JsonMappingException e) {
        List<JsonMappingException.Reference> refs = e.getPath();
        String name = refs.isEmpty() ? null : refs.get(refs.size() - 1).getFieldName();
        return name == null ? "body" : name;
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    Response unauthorized(RuntimeException e, UriInfo uri) {
        return respond(Problem.of(ErrorCode.UNAUTHORIZED, "A valid bearer token is required", path(uri)))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(Problem.of(ErrorCode.FORBIDDEN, "This caller may not use this operation", path(uri))).build();
    }

    @ServerExceptionMapper
    Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        ErrorCode code = switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> status < 500 ? ErrorCode.MALFORMED_JSON : ErrorCode.INTERNAL_ERROR;
        };
        if (e instanceof NotAllowedException || e instanceof NotSupportedException || status != 500) {
            return respond(Problem.of(code, code.title(), path(uri))).build();
        }
        return unexpected(e, uri);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    Response unexpected(Throwable e, UriInfo uri) {
        LOG.errorf(e, "unexpected failure on %s", path(uri));
        return respond(Problem.of(ErrorCode.INTERNAL_ERROR, "The request could not be completed", path(uri))).build();
    }

    private static Response.ResponseBuilder respond(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p);
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getRequestUri().getRawPath();
    }
}
