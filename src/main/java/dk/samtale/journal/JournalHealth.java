package dk.samtale.journal;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness detail for the journal. Always UP (the pull feed works without any push endpoint); says
 * whether the push adapter is in use, and which signing key signs.
 */
@Readiness
@ApplicationScoped
class JournalHealth implements HealthCheck {

    private final JournalRelay relay;
    private final JournalSigner signer;
    private final JournalConfig config;

    JournalHealth(JournalRelay relay, JournalSigner signer, JournalConfig config) {
        this.relay = relay;
        this.signer = signer;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        int tenants = relay.configuredTenants();
        String push = !config.push().enabled()
                ? "disabled on this replica"
                : tenants == 0 ? "disabled (no tenant has a push endpoint)" : "enabled for " + tenants + " tenant(s)";
        return HealthCheckResponse.named("journal").up().withData("signingKey", signer.keyId()).withData("push", push)
                .build();
    }
}
