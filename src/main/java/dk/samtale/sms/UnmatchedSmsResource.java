package dk.samtale.sms;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.Items;
import dk.samtale.platform.ProblemException;

/** Staff: incoming SMS that did not become a message, so none is lost. */
@Path("/api/v1/sms/unmatched")
@RolesAllowed("staff")
public class UnmatchedSmsResource {

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final UnmatchedSms unmatched;

    UnmatchedSmsResource(SecurityIdentity identity, CallerResolver callers, UnmatchedSms unmatched) {
        this.identity = identity;
        this.callers = callers;
        this.unmatched = unmatched;
    }

    @GET
    public Uni<Items<UnmatchedSms.Item>> list(@QueryParam("limit") @DefaultValue("50") String limitText) {
        int limit;
        try {
            limit = Integer.parseInt(limitText.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("limit", "must be a whole number");
        }
        return callers.resolve(identity).flatMap(c -> unmatched.list(c, limit)).map(Items::new);
    }
}
