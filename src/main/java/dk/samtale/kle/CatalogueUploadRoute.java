package dk.samtale.kle;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.platform.StreamedBody;

/**
 * KL's subject plan (KLE-Emneplan) is several megabytes of XML, far over the API's 64 KiB body limit. The
 * upload is parsed as a stream (never whole in memory), so it is bounded only by the server's ceiling
 * ({@code quarkus.http.limits.max-body-size}), like attachment uploads.
 */
@ApplicationScoped
class CatalogueUploadRoute implements StreamedBody {

    @Override
    public boolean matches(String method, String path) {
        return "PUT".equals(method) && ("/api/v1/admin/kle".equals(path) || "/api/v1/admin/kle/".equals(path));
    }
}
