package dk.samtale.chat;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.Problem;

/**
 * Refuses a chat upgrade from a web page of a foreign origin, before authentication and before the
 * upgrade: a page elsewhere that got hold of a token (or tricks the inbox's user) must not open a socket
 * in their name. Browsers always send {@code Origin} on a WebSocket upgrade and a page cannot forge
 * it; apps send none and stay allowed (they authenticate with their token alone, and a non-browser
 * client could send any Origin it likes anyway).
 *
 * <p>
 * Allowed: this service's own origin (the staff inbox it serves; the origin's host and port equal the
 * request's {@code Host}) and the origins listed in {@code samtale.chat.allowed-origins}. A refusal is
 * 403 problem+json and costs at most one DEBUG line, never a stack trace.
 */
@ApplicationScoped
class OriginAllowList {

    private static final Logger LOG = Logger.getLogger(OriginAllowList.class);

    private final Set<String> allowed;
    private final ObjectMapper json;

    OriginAllowList(ChatConfig config, ObjectMapper json) {
        this.allowed = config.allowedOrigins().orElse(java.util.List.of()).stream().map(OriginAllowList::normalise)
                .collect(Collectors.toUnmodifiableSet());
        this.json = json;
    }

    void install(@Observes Router router) {
        // first of all handlers, like the body limit: before authentication reads the token
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null || !ChatSocket.PATH.equals(ctx.normalizedPath())
                || !request.headers().contains("Sec-WebSocket-Key")
                || isAllowed(origin, request.getHeader(HttpHeaders.HOST))) {
            ctx.next();
            return;
        }
        LOG.debug("chat upgrade refused: foreign-origin");
        try {
            ctx.response().setStatusCode(403).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(Problem.of(ErrorCode.FORBIDDEN,
                            "Pages of this origin may not open the chat socket", ChatSocket.PATH)));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(403).end();
        }
    }

    boolean isAllowed(String origin, String host) {
        String o = normalise(origin);
        if (allowed.contains(o)) {
            return true;
        }
        try {
            String authority = URI.create(o).getRawAuthority();
            return authority != null && host != null && authority.equals(host.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false; // "null" (sandboxed frames, file:) or garbage: not an origin we serve
        }
    }

    /** Origins compare case-insensitively, without a trailing slash. */
    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
