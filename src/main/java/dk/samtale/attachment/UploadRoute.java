package dk.samtale.attachment;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;

import dk.samtale.platform.StreamedBody;

/**
 * The upload route streams its body and enforces the tenant's file size itself while reading, so the
 * API's 64 KiB body limit does not apply to it; the server's ceiling does.
 */
@ApplicationScoped
class UploadRoute implements StreamedBody {

    private static final Pattern UPLOAD = Pattern.compile("/api/v1/conversations/[^/]+/attachments/?");

    private final long ceilingBytes;

    UploadRoute(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize ceiling) {
        this.ceilingBytes = ceiling.asLongValue();
    }

    @Override
    public boolean matches(String method, String path) {
        return "POST".equals(method) && UPLOAD.matcher(path).matches();
    }

    /** The largest file a tenant's rules may allow. */
    long ceilingBytes() {
        return ceilingBytes;
    }
}
