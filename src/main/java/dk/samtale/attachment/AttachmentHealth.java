package dk.samtale.attachment;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Always UP — without a scanner uploads wait quarantined, and chat works — but says whether the scanner
 * answers ({@code "scanner": "up"}, {@code "down"}, or {@code "not configured"}).
 */
@Readiness
@ApplicationScoped
class AttachmentHealth implements HealthCheck {

    private final MalwareScanner scanner;
    private final AttachmentConfig config;

    AttachmentHealth(MalwareScanner scanner, AttachmentConfig config) {
        this.scanner = scanner;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        String state = config.clamdAddress().isEmpty() ? "not configured" : scanner.ping() ? "up" : "down";
        return HealthCheckResponse.named("attachments").up().withData("scanner", state).build();
    }
}
