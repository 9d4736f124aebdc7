package dk.samtale.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * Records a feature keeps only for a period (incoming SMS that matched nobody, push failures, delivery
 * reports, devices not seen for a while, audit rows): the feature deletes its own rows past the tenant's
 * period when the retention job asks. One implementation per kind of record.
 */
public interface ExpiringRecords {

    /** The kind's stable name: the key of its period in the tenant's policy ({@code sms-unmatched} …). */
    String kind();

    /** The period when the tenant's policy does not set one, in days. */
    int defaultDays();

    /** How many of the tenant's rows of this kind are older than {@code cutoff} (the dry run). */
    long due(Connection c, UUID tenantId, Instant cutoff) throws SQLException;

    /**
     * Deletes at most {@code limit} of the tenant's rows older than {@code cutoff}, on {@code c} inside the
     * caller's transaction (rows another transaction holds are skipped, not waited for); returns how many.
     */
    int delete(Connection c, UUID tenantId, Instant cutoff, int limit) throws SQLException;
}
