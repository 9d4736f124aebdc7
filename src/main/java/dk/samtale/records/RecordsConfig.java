package dk.samtale.records;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Records: the access log and the citizen's insight report (samtale.records.*). */
@ConfigMapping(prefix = "samtale.records")
public interface RecordsConfig {

    AccessLogConfig accessLog();

    interface AccessLogConfig {

        /**
         * Repeated accesses of one kind by one accessor to one conversation (or citizen) within this window are
         * one entry: a caseworker paging through a long conversation, or an inbox that refreshes, is one access,
         * not hundreds.
         */
        @WithDefault("PT10M")
        Duration coalesceWindow();

        /** How long an access waits in memory before it is appended (the batch's delay). */
        @WithDefault("PT1S")
        Duration flushInterval();

        /** Most entries appended in one transaction. */
        @WithDefault("500")
        int batchSize();

        /**
         * Most accesses held in memory waiting for the database; beyond it new ones are dropped, counted in
         * {@code samtale_access_log_dropped_total} and logged (a database that takes no writes for long).
         */
        @WithDefault("100000")
        int bufferLimit();

        /**
         * How long entries are kept (README, "Privacy and records": three years, the general limitation period
         * in which a citizen can claim damages for a misuse they found out about).
         */
        @WithDefault("P1095D")
        Duration retention();

        /** How often every replica looks for entries past the retention period. */
        @WithDefault("PT1H")
        Duration pruneInterval();

        /** Most entries deleted in one transaction when pruning. */
        @WithDefault("1000")
        int pruneBatchSize();

        /** The purpose recorded when neither the unit nor the kind of access has one. */
        @WithDefault("sagsbehandling")
        String defaultPurpose();

        /** Purposes by kind of access (code, e.g. {@code journal-pulled=journalisering}); a unit's own wins. */
        Map<String, String> kindPurposes();
    }
}
