package dk.samtale.identity;

import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts and logs refused tokens: one line per refusal with its reason code (INFO or DEBUG, see
 * {@link Refusal#operatorsShouldKnow()}), never the token,
 * its claims or a stack trace, and {@code samtale_auth_refused_total{reason}} per reason. (A flood of
 * bad tokens then costs a counter increment and one short line each.)
 */
@ApplicationScoped
class RefusedTokens {

    private static final Logger LOG = Logger.getLogger(RefusedTokens.class);

    private final Map<Refusal, Counter> counters = new EnumMap<>(Refusal.class);

    RefusedTokens(MeterRegistry registry) {
        for (Refusal r : Refusal.values()) {
            counters.put(r, Counter.builder("samtale_auth_refused_total").description("Tokens refused, by reason")
                    .tag("reason", r.code()).register(registry));
        }
    }

    /** Records the refusal and returns the failure to raise. */
    io.quarkus.security.AuthenticationFailedException refuse(Refusal reason, String issuerName) {
        counters.get(reason).increment();
        LOG.logf(reason.operatorsShouldKnow() ? Logger.Level.INFO : Logger.Level.DEBUG,
                "token refused: %s (issuer entry %s)", reason.code(), issuerName == null ? "-" : issuerName);
        return reason.failure();
    }
}
