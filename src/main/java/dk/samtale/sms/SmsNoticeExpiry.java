package dk.samtale.sms;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ExpiringRows;

/**
 * SMS notices that are done (sent, delivered, failed, cancelled) with the number they went to and the
 * gateway's delivery report: kept for the tenant's period (default 90 days, the gateway's own billing
 * dispute window), then deleted. A message's SMS state is then no longer shown.
 */
@ApplicationScoped
class SmsNoticeExpiry extends ExpiringRows {

    SmsNoticeExpiry() {
        super("sms-notices", 90, "sms_notice",
                "t.tenant_id = ? AND t.state IN ('sent', 'delivered', 'failed', 'cancelled') AND t.updated_at < ?");
    }
}
