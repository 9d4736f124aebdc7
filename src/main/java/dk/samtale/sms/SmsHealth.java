package dk.samtale.sms;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Always UP (the service works without SMS), and says whether SMS is enabled or disabled. */
@Readiness
@ApplicationScoped
class SmsHealth implements HealthCheck {

    private final SmsGateway gateway;
    private final SmsConfig config;

    SmsHealth(SmsGateway gateway, SmsConfig config) {
        this.gateway = gateway;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("sms").up()
                .withData("status", gateway.enabled() ? "enabled" : "disabled")
                .withData("webhooks", config.gatewayapi().webhookSecret().isPresent() ? "enabled" : "disabled")
                .build();
    }
}
