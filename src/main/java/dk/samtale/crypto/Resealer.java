package dk.samtale.crypto;

import java.util.UUID;

/**
 * A feature's own sealed data, moved by {@link ReencryptionJob} onto the key it belongs under now (a
 * conversation's content onto the conversation's key, see {@link TenantKeys#keyIdFor}); the job knows message
 * bodies, subjects and citizens, but not how another feature binds its values. Implemented by the feature that
 * owns the data.
 */
public interface Resealer {

    /**
     * Re-seals what of the tenant is not yet under the key it belongs under; returns how many values moved.
     * Must be safe to repeat and to stop at any point (a value is done when it names that key). Called on a
     * worker thread: it may block.
     */
    long reseal(UUID tenant);
}
