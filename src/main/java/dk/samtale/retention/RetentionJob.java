package dk.samtale.retention;

import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;

import dk.samtale.platform.DaemonThreads;

/**
 * Runs the retention policy of every tenant that has enabled it (and seen a dry run of it) every
 * {@code samtale.retention.interval}, on every replica: each batch holds the tenant's advisory lock and locks
 * its rows with {@code SKIP LOCKED}, so replicas share the work and never do it twice. Its own daemon thread:
 * JDBC blocks and must not run on the event loop.
 */
@ApplicationScoped
class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final AgroalDataSource db;
    private final Policies policies;
    private final Retention retention;
    private final RetentionConfig config;
    private ScheduledExecutorService timer;

    RetentionJob(AgroalDataSource db, Policies policies, Retention retention, RetentionConfig config) {
        this.db = db;
        this.policies = policies;
        this.retention = retention;
        this.config = config;
    }

    void start(@Observes StartupEvent start) {
        timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("retention"));
        timer.scheduleWithFixedDelay(this::pass, config.initialDelay().toMillis(), config.interval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One pass over every active tenant; a failure of one tenant does not stop the others. */
    void pass() {
        List<UUID> tenants;
        try (Connection c = db.getConnection()) {
            tenants = policies.active(c);
        } catch (Exception e) {
            LOG.warnf("Retention pass skipped: could not read the policies (%s)", e.getClass().getSimpleName());
            return;
        }
        for (UUID tenant : tenants) {
            try {
                retention.apply(tenant, false);
            } catch (Exception e) {
                LOG.errorf("Retention for tenant %s failed (%s); it runs again at the next pass", tenant,
                        e.getClass().getSimpleName());
            }
        }
    }
}
