package dk.samtale.push;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Always UP — chat works without push — but says whether push is enabled, and if not, why
 * ({@code "status": "disabled: no Firebase credentials"}).
 */
@Readiness
@ApplicationScoped
class PushHealth implements HealthCheck {

    private final PushNotifier notifier;

    PushHealth(PushNotifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("push").up().withData("status", notifier.status()).build();
    }
}
