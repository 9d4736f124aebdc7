package dk.samtale.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The dev/demo profile's settings. */
@ConfigMapping(prefix = "samtale.demo")
interface DemoConfig {

    /** Seed the demo municipality into an empty database and mint tokens at /dev/tokens. */
    @WithDefault("false")
    boolean enabled();
}
