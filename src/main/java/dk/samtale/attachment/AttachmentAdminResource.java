package dk.samtale.attachment;

import java.time.Duration;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;

import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.ProblemException;

/** A tenant's attachment rules (service clients with the {@code admin} role, always their own tenant). */
@Path("/api/v1/admin/attachments")
@RolesAllowed("admin")
public class AttachmentAdminResource {

    public record PolicyBody(List<String> allowedTypes, Long maxFileBytes, Long maxMessageBytes) {
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final Intake intake;
    private final AttachmentRows rows;
    private final UploadRoute route;

    AttachmentAdminResource(SecurityIdentity identity, CallerResolver callers, Intake intake, AttachmentRows rows,
            UploadRoute route) {
        this.identity = identity;
        this.callers = callers;
        this.intake = intake;
        this.rows = rows;
        this.route = route;
    }

    @GET
    @Blocking
    public Policy get() {
        return intake.policy(caller().tenantId());
    }

    /**
     * Replaces the tenant's rules. Only types the service can clean may be allowed (JPEG, PNG, PDF); a file
     * may not exceed the server's ceiling ({@code samtale.attachments.max-file-size} is the default, the
     * HTTP limit of the upload route the ceiling).
     */
    @PUT
    @Blocking
    public Policy put(PolicyBody body) {
        if (body == null || body.allowedTypes() == null || body.allowedTypes().isEmpty()) {
            throw ProblemException.invalid("allowedTypes", "name at least one type");
        }
        for (String t : body.allowedTypes()) {
            if (!Cleaning.supports(t)) {
                throw ProblemException.invalid("allowedTypes", "only " + Cleaning.SUPPORTED + " can be cleaned");
            }
        }
        long ceiling = route.ceilingBytes();
        if (body.maxFileBytes() == null || body.maxFileBytes() < 1 || body.maxFileBytes() > ceiling) {
            throw ProblemException.invalid("maxFileBytes", "must be 1 to " + ceiling);
        }
        if (body.maxMessageBytes() == null || body.maxMessageBytes() < 1) {
            throw ProblemException.invalid("maxMessageBytes", "must be 1 or more");
        }
        Policy p = new Policy(body.allowedTypes(), body.maxFileBytes(), body.maxMessageBytes());
        rows.setPolicy(caller().tenantId(), p);
        return p;
    }

    private Caller caller() {
        return callers.resolve(identity).await().atMost(Duration.ofSeconds(30));
    }
}
