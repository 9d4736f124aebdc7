package dk.samtale.journal.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where one tenant's secrets towards its case system are mounted (paths from configuration). Files are
 * read when used, so a rotated Kubernetes Secret takes effect without a restart; their content never
 * reaches a log or the database.
 */
public record TenantFiles(Path clientSecret, Path clientCertificate, Path clientKey, Path trust) {

    String clientSecretValue() throws IOException {
        if (clientSecret == null) {
            throw new IOException("no client secret file configured");
        }
        return Files.readString(clientSecret, StandardCharsets.UTF_8).strip();
    }

    /** Changes when a mounted file does: the key of the tenant's cached TLS client. */
    String version() {
        StringBuilder b = new StringBuilder();
        for (Path p : new Path[]{clientCertificate, clientKey, trust}) {
            try {
                b.append(p).append('@').append(p == null ? 0 : Files.getLastModifiedTime(p).toMillis()).append(';');
            } catch (IOException e) {
                b.append(p).append("@missing;");
            }
        }
        return b.toString();
    }
}
