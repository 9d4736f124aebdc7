package dk.samtale.platform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Per-caller limits on REST writes (the WebSocket's per-socket limits are part of its contract). */
@ConfigMapping(prefix = "samtale.limits")
public interface LimitsConfig {

    /** Sustained POSTs per second per caller. */
    @WithDefault("10")
    double restWritesPerSecond();

    /** POSTs a caller may make at once before the sustained rate applies. */
    @WithDefault("30")
    double restWriteBurst();

    /**
     * Largest request body, except on routes that stream theirs ({@link StreamedBody}); larger ones get 413.
     * {@code quarkus.http.limits.max-body-size} is the ceiling of every request, streamed or not.
     */
    @WithDefault("64K")
    io.quarkus.runtime.configuration.MemorySize maxBodySize();
}
