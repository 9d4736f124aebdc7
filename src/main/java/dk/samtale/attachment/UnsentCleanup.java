package dk.samtale.attachment;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dk.samtale.platform.Times;

/**
 * Deletes uploads that no message took within {@code samtale.attachments.unsent-retention}: a file
 * attached and then abandoned is personal data nobody else will ever see, so it is not kept. Rows of
 * infected and refused uploads (the record of a refusal, no content) stay. Any replica may run it: rows
 * are taken with {@code SKIP LOCKED}, and a message linking a file at that moment either wins (the file
 * is no longer unsent) or finds it gone ({@code attachment-not-usable}).
 */
@ApplicationScoped
class UnsentCleanup {

    private static final Logger LOG = Logger.getLogger(UnsentCleanup.class);
    private static final int BATCH = 100;

    private Periodic periodic;
    private final AttachmentRows rows;
    private final FileStore store;
    private final AttachmentConfig config;
    private final Clock clock;
    private final Counter deleted;

    UnsentCleanup(AttachmentRows rows, FileStore store, AttachmentConfig config, Clock clock, MeterRegistry metrics) {
        this.rows = rows;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.deleted = Counter.builder("samtale.attachments.unsent.deleted")
                .description("Uploads deleted because no message took them in time").register(metrics);
    }

    void start(@Observes StartupEvent e) {
        periodic = new Periodic("attachment-cleanup", config.cleanupInterval(), this::run);
    }

    void stop(@Observes ShutdownEvent e) {
        if (periodic != null) {
            periodic.close();
        }
    }

    /** Deletes every unsent upload past its retention; returns how many. */
    int run() {
        int total = 0;
        List<UUID> batch;
        do {
            // the row first: once it is gone no message can take the file; then its content
            batch = rows.deleteUnsent(Times.now(clock).minus(config.unsentRetention()), BATCH);
            for (UUID id : batch) {
                for (FileStore.Variant v : FileStore.Variant.values()) {
                    store.delete(new FileStore.FileRef(id, v));
                }
            }
            total += batch.size();
            deleted.increment(batch.size());
        } while (batch.size() == BATCH);
        if (total > 0) {
            LOG.infof("deleted %d uploads no message took within %s", total, config.unsentRetention());
        }
        return total;
    }
}
