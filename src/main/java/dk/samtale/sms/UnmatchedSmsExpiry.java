package dk.samtale.sms;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ExpiringRows;

/**
 * Incoming SMS that became no message (unknown sender, STOP/START, no conversation): kept for the
 * tenant's period (default 30 days: long enough to answer "did you get my SMS?"), then deleted with the
 * sealed number and text they hold.
 */
@ApplicationScoped
class UnmatchedSmsExpiry extends ExpiringRows {

    UnmatchedSmsExpiry() {
        super("sms-unmatched", 30, "sms_inbound", "t.tenant_id = ? AND t.message_id IS NULL AND t.received_at < ?");
    }
}
