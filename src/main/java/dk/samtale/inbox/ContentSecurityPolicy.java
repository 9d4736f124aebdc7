package dk.samtale.inbox;

import java.net.URI;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * A strict Content Security Policy on the inbox pages: scripts and styles only from our own files (no
 * inline code, so an injected tag cannot run), connections only to this service (REST and its
 * WebSocket) and the staff IdP, no framing, no plugins.
 */
@ApplicationScoped
class ContentSecurityPolicy {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,255}");

    private final String idp;

    ContentSecurityPolicy(InboxConfig config) {
        this.idp = config.oidc().issuer().map(ContentSecurityPolicy::origin).orElse("");
    }

    void install(@Observes Router router) {
        router.route("/inbox/*").order(-1000).handler(ctx -> {
            String host = ctx.request().getHeader("Host");
            // 'self' covers ws/wss of the same host in CSP 3; named too for browsers that predate it
            String ws = host != null && HOST.matcher(host).matches() ? " ws://" + host + " wss://" + host : "";
            // blob: images are attachment previews the page fetched itself with the bearer token (an <img src>
            // cannot carry it); they are the server's own re-encoded thumbnails, never markup
            ctx.response().putHeader("Content-Security-Policy", "default-src 'none'; script-src 'self'; "
                    + "style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'" + ws + idp
                    + "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
            ctx.response().putHeader("X-Frame-Options", "DENY");
            ctx.response().putHeader("Cache-Control", "no-store");
            ctx.next();
        });
    }

    private static String origin(String url) {
        URI u = URI.create(url);
        return " " + u.getScheme() + "://" + u.getAuthority();
    }
}
