package dk.samtale.journal;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** One address policy for the admin API (when a URL is set) and the push adapter (on connect). */
class EndpointPolicyProducer {

    @Produces
    @Singleton
    EndpointPolicy policy(JournalConfig config) {
        return EndpointPolicy.of(config.push());
    }
}
