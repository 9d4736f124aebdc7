package dk.samtale.retention;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The retention job and the defaults of a tenant that has not set its own policy. */
@ConfigMapping(prefix = "samtale.retention")
public interface RetentionConfig {

    /**
     * Days after closing before a closed conversation's content is deleted, when the tenant's policy does
     * not say (and never before the case system has acknowledged all of it). 180: well past the appeal
     * deadlines (4 weeks to 6 months) in which a citizen or caseworker may want the conversation itself,
     * while the case system keeps the record of authority.
     */
    @WithDefault("180")
    int conversationDays();

    /** How often each replica looks for tenants with work (the tenant's lock makes one replica do it). */
    @WithDefault("1h")
    Duration interval();

    /** Delay of the first pass after start. */
    @WithDefault("5m")
    Duration initialDelay();

    /**
     * Conversations per batch transaction (each is read, checked for holds and journal acknowledgement,
     * and deleted by every feature in one transaction); aged records per delete statement are ten times it.
     */
    @WithDefault("50")
    int batchSize();

    /** At most this many conversations per tenant and pass; the rest wait for the next pass. */
    @WithDefault("5000")
    int maxPerPass();

    /** How many conversation ids a dry run lists (its counts are always complete). */
    @WithDefault("200")
    int dryRunListed();
}
