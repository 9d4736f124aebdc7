package dk.samtale.push.firebase;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;

import io.quarkus.runtime.Startup;

import dk.samtale.push.DisabledPushNotifier;
import dk.samtale.push.PushConfig;
import dk.samtale.push.PushNotifier;

/**
 * Builds the {@link PushNotifier}: the Firebase adapter when a service-account file is mounted,
 * otherwise a disabled one — said once here in the log, and in health and metrics by the push feature.
 */
@ApplicationScoped
class FirebaseSetup {

    private static final Logger LOG = Logger.getLogger(FirebaseSetup.class);
    private static final int TIMEOUT_MILLIS = 10_000;

    /** Built at start, so the log says at once whether push is on (beans are otherwise created lazily). */
    @Produces
    @ApplicationScoped
    @Startup
    PushNotifier notifier(PushConfig config, Clock clock) {
        return create(config.credentialsFile(), config.projectId(), config.fcmUrl(), clock);
    }

    void close(@Disposes PushNotifier notifier) {
        if (notifier instanceof FcmPushNotifier fcm) {
            fcm.app().delete();
        }
    }

    static PushNotifier create(Optional<Path> credentials, Optional<String> projectId, Optional<URI> fcmUrl,
            Clock clock) {
        if (credentials.isEmpty()) {
            LOG.info("Push disabled: no Firebase credentials (samtale.push.credentials-file is not set)");
            return new DisabledPushNotifier("no Firebase credentials");
        }
        if (!Files.exists(credentials.get())) {
            // the Kubernetes Secret is optional: an empty mount means "no push here", not a broken start
            LOG.infof("Push disabled: no Firebase credentials (%s does not exist)", credentials.get());
            return new DisabledPushNotifier("no Firebase credentials");
        }
        try (InputStream in = Files.newInputStream(credentials.get())) {
            FirebaseOptions.Builder options = FirebaseOptions.builder()
                    .setCredentials(GoogleCredentials.fromStream(in))
                    .setConnectTimeout(TIMEOUT_MILLIS).setReadTimeout(TIMEOUT_MILLIS);
            projectId.ifPresent(options::setProjectId);
            fcmUrl.ifPresent(url -> options.setHttpTransport(redirectedTo(url)));
            // a name of our own: never the SDK's global default app, which other code could also claim
            FirebaseApp app = FirebaseApp.initializeApp(options.build(), "samtale-" + UUID.randomUUID());
            LOG.infof("Push enabled: Firebase Cloud Messaging%s", fcmUrl.map(u -> " at " + u).orElse(""));
            return new FcmPushNotifier(app, clock);
        } catch (IOException | RuntimeException e) {
            // the service still serves chat; operators see the reason in health and the log
            LOG.errorf("Push disabled: the Firebase credentials file could not be used (%s)",
                    e.getClass().getSimpleName());
            return new DisabledPushNotifier("Firebase credentials unusable");
        }
    }

    /** A transport that sends every request of the SDK to another root URL (path and query kept). */
    static HttpTransport redirectedTo(URI root) {
        String base = root.toString().replaceAll("/+$", "");
        return new NetHttpTransport.Builder().setConnectionFactory((URL url) -> {
            URL target = URI.create(base + url.getFile()).toURL();
            return (HttpURLConnection) target.openConnection(Proxy.NO_PROXY);
        }).build();
    }
}
