package dk.samtale.push;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.ExpiringRows;

/**
 * Devices (push tokens) not seen for the tenant's period (default 180 days: the app was removed or
 * replaced; FCM itself drops tokens unused for 270 days): deleted with their sealed token.
 */
@ApplicationScoped
class IdleDeviceExpiry extends ExpiringRows {

    IdleDeviceExpiry() {
        super("devices", 180, "device", "t.tenant_id = ? AND t.last_seen_at < ?");
    }
}
