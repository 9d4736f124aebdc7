package dk.samtale.push;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ExpiringRows;

/**
 * Recorded push failures (ids and a reason, no text): kept for the tenant's period (default 30 days,
 * for support), then deleted.
 */
@ApplicationScoped
class PushFailureExpiry extends ExpiringRows {

    PushFailureExpiry() {
        super("push-failures", 30, "push_failure",
                "t.conversation_id IN (SELECT id FROM conversation WHERE tenant_id = ?) AND t.failed_at < ?");
    }
}
