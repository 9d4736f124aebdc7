package dk.samtale.platform;

/**
 * A route that streams its request body and bounds it itself (attachment uploads): the API's small body
 * limit ({@code samtale.limits.max-body-size}) does not apply to it, only the server's ceiling
 * ({@code quarkus.http.limits.max-body-size}). Features declare theirs as beans.
 */
public interface StreamedBody {

    /** Whether a request with this method and path streams its body. */
    boolean matches(String method, String path);
}
