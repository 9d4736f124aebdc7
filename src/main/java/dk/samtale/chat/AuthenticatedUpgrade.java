package dk.samtale.chat;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.CallerKind;
import dk.samtale.identity.CallerResolver;

/**
 * Who may open the chat socket: a citizen or staff member with a valid token from a trusted issuer,
 * of a tenant that exists. Everyone else is refused on the upgrade itself, before any endpoint code
 * runs, so a client can tell a refusal from a closed socket: a missing, bad or tenant-less token
 * answers 401 (with a Bearer challenge), a service client 403 (service clients use the REST API). Each
 * refusal logs at most one DEBUG line with a reason code, never the token.
 */
@ApplicationScoped
class AuthenticatedUpgrade implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(AuthenticatedUpgrade.class);
    private static final Map<String, List<String>> CHALLENGE = Map.of("WWW-Authenticate", List.of("Bearer"));

    private final CallerResolver callers;

    AuthenticatedUpgrade(CallerResolver callers) {
        this.callers = callers;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return endpointId.equals(ChatSocket.class.getName());
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return context.securityIdentity()
                .onFailure().recoverWithNull()
                .flatMap(identity -> identity == null || identity.isAnonymous()
                        ? Uni.createFrom().item(refuse(401, "no-valid-token"))
                        : callers.resolve(identity)
                                .map(caller -> caller.kind() == CallerKind.service
                                        ? refuse(403, "service-client")
                                        : CheckResult.permitUpgradeSync())
                                .onFailure().recoverWithItem(() -> refuse(401, "unknown-tenant")));
    }

    private static CheckResult refuse(int status, String reason) {
        // a 401's reason (bad token, unknown tenant) is logged once by identity's RefusedTokens; only the
        // refusals decided here get a line of their own
        if (status != 401) {
            LOG.debugf("chat upgrade refused: %s", reason);
        }
        return status == 401 ? CheckResult.rejectUpgradeSync(status, CHALLENGE) : CheckResult.rejectUpgradeSync(status);
    }
}
