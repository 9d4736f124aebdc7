package dk.samtale.platform;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * Refuses a request whose declared body is over the limit before it is read, with a problem document
 * (Vert.x would otherwise answer 413 with an empty body), and cuts off a chunked body that grows over it
 * (the limit Quarkus' body reader enforces is lowered from the server's ceiling to the API's). Routes
 * that stream their body ({@link StreamedBody}) bound it themselves, under the server's ceiling.
 */
@ApplicationScoped
class BodyLimit {

    /** Where Quarkus' request body reader looks for the limit it enforces while reading. */
    private static final String READER_LIMIT = "io.quarkus.max-request-size";

    private final long maxBytes;
    private final ObjectMapper json;
    private final List<StreamedBody> streamed;

    BodyLimit(LimitsConfig limits, ObjectMapper json, Instance<StreamedBody> streamed) {
        this.maxBytes = limits.maxBodySize().asLongValue();
        this.json = json;
        this.streamed = streamed.stream().toList();
    }

    private boolean isStreamed(io.vertx.ext.web.RoutingContext ctx) {
        String method = ctx.request().method().name();
        String path = ctx.request().path();
        return streamed.stream().anyMatch(s -> s.matches(method, path));
    }

    void install(@Observes Router router) {
        // after Quarkus' own handler (order -2), which sets the server's ceiling for the body reader
        router.route().order(-1).handler(ctx -> {
            if (!isStreamed(ctx)) {
                ctx.put(READER_LIMIT, maxBytes);
            }
            ctx.next();
        });
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && isOver(length) && !isStreamed(ctx)) {
                try {
                    ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                            .putHeader(HttpHeaders.CONNECTION, "close")
                            .end(json.writeValueAsString(Problem.of(ErrorCode.PAYLOAD_TOO_LARGE,
                                    "The request body is larger than " + maxBytes + " bytes", ctx.request().path())));
                } catch (JsonProcessingException e) {
                    ctx.fail(413);
                }
                return;
            }
            ctx.next();
        });
    }

    private boolean isOver(String length) {
        try {
            return Long.parseLong(length.trim()) > maxBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
