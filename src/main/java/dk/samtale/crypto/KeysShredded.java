package dk.samtale.crypto;

import java.util.UUID;

/**
 * Fired (CDI event, on this replica) after a tenant's key material was destroyed, so that features
 * holding decrypted values of that tenant in memory drop them. Other replicas drop theirs when their
 * caches expire (key ring: 30 s; callers: {@code samtale.identity.callers.ttl}).
 */
public record KeysShredded(UUID tenantId) {
}
