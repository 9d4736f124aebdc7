package dk.samtale.crypto;

import java.util.UUID;

/**
 * A feature's own sealed data, moved onto the tenant's active data key after a rotation by
 * {@link ReencryptionJob} (which knows message bodies and citizens, but not how another feature binds
 * its values). Implemented by the feature that owns the data.
 */
public interface Resealer {

    /**
     * Re-seals what of the tenant is not yet under {@code keys.activeKeyId()}; returns how many values
     * moved. Must be safe to repeat and to stop at any point (a value is done when it names the active
     * key). Called on a worker thread: it may block.
     */
    long reseal(UUID tenant, TenantKeys keys);
}
