package dk.samtale.sms;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.ProblemException;

/** Citizens' verified phone numbers, for staff of the citizen's tenant. The number is never echoed. */
@Path("/api/v1/sms/citizens/{citizenId}/phone")
@RolesAllowed("staff")
public class SmsResource {

    public record SetPhone(String phone) {
        @Override
        public String toString() {
            return "SetPhone[redacted]";
        }
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final Phones phones;

    SmsResource(SecurityIdentity identity, CallerResolver callers, Phones phones) {
        this.identity = identity;
        this.callers = callers;
        this.phones = phones;
    }

    /** Staff: the number's status (verified, opted out), not the number. */
    @GET
    public Uni<Phones.PhoneStatus> get(@PathParam("citizenId") UUID citizenId) {
        return caller().flatMap(c -> phones.status(c, citizenId));
    }

    /** Staff, after checking the number is the citizen's: sets it as verified. */
    @PUT
    public Uni<Phones.PhoneStatus> set(@PathParam("citizenId") UUID citizenId, SetPhone body) {
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        PhoneNumber phone = PhoneNumber.parse(body.phone());
        return caller().flatMap(c -> phones.register(c, citizenId, phone));
    }

    /** Staff: removes the number; no more SMS to the citizen. */
    @DELETE
    public Uni<RestResponse<Void>> remove(@PathParam("citizenId") UUID citizenId) {
        return caller().flatMap(c -> phones.remove(c, citizenId)).map(x -> RestResponse.noContent());
    }

    private Uni<Caller> caller() {
        return callers.resolve(identity);
    }
}
