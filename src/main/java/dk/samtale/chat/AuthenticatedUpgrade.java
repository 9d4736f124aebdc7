package dk.samtale.chat;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/**
 * Who may open the chat socket: anyone with a valid token from a trusted issuer (service clients are
 * then closed in {@link ChatSocket#open}). A missing or bad token answers the upgrade with a plain 401
 * here, before any endpoint code runs — letting the failure travel on would have the REST error
 * mappers try to write a second response to the same upgrade request.
 */
@ApplicationScoped
class AuthenticatedUpgrade implements HttpUpgradeCheck {

    private static final Map<String, List<String>> CHALLENGE = Map.of("WWW-Authenticate", List.of("Bearer"));

    @Override
    public boolean appliesTo(String endpointId) {
        return endpointId.equals(ChatSocket.class.getName());
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return context.securityIdentity()
                .map(identity -> identity == null || identity.isAnonymous()
                        ? CheckResult.rejectUpgradeSync(401, CHALLENGE)
                        : CheckResult.permitUpgradeSync())
                .onFailure().recoverWithItem(() -> CheckResult.rejectUpgradeSync(401, CHALLENGE));
    }
}
