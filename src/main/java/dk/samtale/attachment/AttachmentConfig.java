package dk.samtale.attachment;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Attachments (README "Attachments"). The type list and sizes are the defaults of every tenant; a tenant's
 * own rules ({@code PUT /api/v1/admin/attachments}) replace them for that tenant.
 */
@ConfigMapping(prefix = "samtale.attachments")
public interface AttachmentConfig {

    /**
     * Where clamd listens: {@code tcp://host:port} or {@code unix:/path/to/clamd.ctl}. Without it no file
     * can be scanned, so every upload waits quarantined (said once in the log and in /q/health/ready);
     * nothing is ever delivered unscanned.
     */
    Optional<String> clamdAddress();

    /** Longest a whole scan (connect, stream, verdict) may take before the file waits for a rescan. */
    @WithDefault("PT60S")
    Duration scanTimeout();

    /** Media types a tenant accepts unless its own rules say otherwise (detected from the content). */
    @WithDefault("image/jpeg,image/png,application/pdf")
    List<String> allowedTypes();

    /** Largest file (as uploaded). */
    @WithDefault("10M")
    MemorySize maxFileSize();

    /** Largest sum of a message's (cleaned) files. */
    @WithDefault("25M")
    MemorySize maxMessageSize();

    /** Most files one message may carry. */
    @WithDefault("10")
    int maxFilesPerMessage();

    /** How often quarantined uploads are looked for and scanned again. */
    @WithDefault("PT10S")
    Duration rescanInterval();

    /** Longest wait between two rescans of one quarantined upload (the wait doubles from the interval). */
    @WithDefault("PT5M")
    Duration rescanMaxBackoff();

    /** Longest side of an image's thumbnail, in pixels. */
    @WithDefault("320")
    int thumbnailSize();

    /**
     * How long an upload no message took is kept (it is the uploader's alone, and nobody else will ever
     * see it); then it is deleted with its content. Records of refused and infected uploads stay.
     */
    @WithDefault("PT24H")
    Duration unsentRetention();

    /** How often unsent uploads past their retention are looked for. */
    @WithDefault("PT10M")
    Duration cleanupInterval();

    /** Where uploads are spooled (encrypted) while they are checked; the system temp directory by default. */
    Optional<String> spoolDirectory();
}
