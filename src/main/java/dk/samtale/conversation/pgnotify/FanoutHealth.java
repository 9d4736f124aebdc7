package dk.samtale.conversation.pgnotify;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while this replica hears the others: without LISTEN its sockets would miss messages
 * sent through other replicas until the clients resume.
 */
@Readiness
@ApplicationScoped
class FanoutHealth implements HealthCheck {

    private final PgNotifyFanout fanout;

    FanoutHealth(PgNotifyFanout fanout) {
        this.fanout = fanout;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("fanout").status(fanout.listening()).build();
    }
}
