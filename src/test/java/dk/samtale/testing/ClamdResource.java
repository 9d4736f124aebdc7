package dk.samtale.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the service under test at the test's real clamd (unix socket); stops nothing (one per JVM). */
public class ClamdResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Clamd clamd = Clamd.shared();
        return clamd == null ? Map.of() : Map.of("samtale.attachments.clamd-address", clamd.unixAddress());
    }

    @Override
    public void stop() {
        // the daemon is a child of this JVM, stopped with it (and by the tests that stop it on purpose)
    }
}
