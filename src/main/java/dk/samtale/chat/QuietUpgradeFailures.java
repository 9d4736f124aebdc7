package dk.samtale.chat;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.RoutingContext;

/**
 * On an upgrade of the chat socket, a failed authentication must not answer the request by itself:
 * {@link AuthenticatedUpgrade} answers it (401 with a challenge, or 403). Quarkus' default handler
 * would write its own 401 first, and the upgrade check's answer to the same request then failed with
 * "Response head already sent" and a 170-line stack trace — per refused upgrade, so a stranger could
 * flood the log. The reason is already logged once, at DEBUG, by the token verifier.
 */
@ApplicationScoped
class QuietUpgradeFailures {

    /** After authentication (200) has put its default handler in place, before authorisation (100). */
    static final int PRIORITY = 120;
    private static final BiConsumer<RoutingContext, Throwable> LEAVE_IT_TO_THE_UPGRADE_CHECK = (ctx, e) -> {
    };

    void install(@Observes Filters filters) {
        filters.register(ctx -> {
            if (ChatSocket.PATH.equals(ctx.normalizedPath()) && ctx.request().headers().contains("Sec-WebSocket-Key")) {
                ctx.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, LEAVE_IT_TO_THE_UPGRADE_CHECK);
            }
            ctx.next();
        }, PRIORITY);
    }
}
