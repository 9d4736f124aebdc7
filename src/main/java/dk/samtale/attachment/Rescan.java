package dk.samtale.attachment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dk.samtale.platform.Times;

/**
 * Scans quarantined uploads again until the scanner answers. Any replica may run it: each takes due
 * uploads with {@code FOR UPDATE SKIP LOCKED} and leases them, so two never scan the same one at once,
 * and one that dies mid-scan leaves its lease to run out. Waits double from the interval to the maximum.
 */
@ApplicationScoped
class Rescan {

    private static final Logger LOG = Logger.getLogger(Rescan.class);
    private static final int BATCH = 20;

    private Periodic periodic;
    private final AttachmentRows rows;
    private final Intake intake;
    private final AttachmentConfig config;
    private final Clock clock;

    Rescan(AttachmentRows rows, Intake intake, AttachmentConfig config, Clock clock) {
        this.rows = rows;
        this.intake = intake;
        this.config = config;
        this.clock = clock;
    }

    void start(@Observes StartupEvent e) {
        periodic = new Periodic("attachment-rescan", config.rescanInterval(), this::run);
    }

    void stop(@Observes ShutdownEvent e) {
        if (periodic != null) {
            periodic.close();
        }
    }

    /** One pass: every due upload once. */
    void run() {
        Instant now = Times.now(clock);
        // long enough for a scan and the cleaning after it
        Instant lease = now.plus(config.scanTimeout().multipliedBy(2)).plus(Duration.ofMinutes(1));
        List<AttachmentRows.Row> due = rows.claimDue(now, lease, BATCH);
        for (AttachmentRows.Row row : due) {
            try {
                if (!intake.rescan(row)) {
                    rows.retryAt(row.id(), Times.now(clock).plus(backoff(row.scanAttempts() + 1)));
                }
            } catch (Exception e) {
                LOG.errorf(e, "rescanning attachment %s failed; it stays quarantined", row.id());
                rows.retryAt(row.id(), Times.now(clock).plus(backoff(row.scanAttempts() + 1)));
            }
        }
    }

    Duration backoff(int attempts) {
        Duration d = config.rescanInterval().multipliedBy(1L << Math.min(20, Math.max(0, attempts - 1)));
        return d.compareTo(config.rescanMaxBackoff()) > 0 ? config.rescanMaxBackoff() : d;
    }
}
