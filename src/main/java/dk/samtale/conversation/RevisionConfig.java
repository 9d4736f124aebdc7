package dk.samtale.conversation;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Correcting what was sent: how long a sender may take a message back. */
@ConfigMapping(prefix = "samtale.messages")
public interface RevisionConfig {

    /**
     * How long after sending the sender may retract a message (only while the other side has not read
     * it). Staff corrections have no time limit.
     */
    @WithDefault("15m")
    Duration retractWindow();
}
