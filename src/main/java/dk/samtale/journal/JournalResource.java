package dk.samtale.journal;

import java.time.Duration;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.security.identity.SecurityIdentity;

import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.QueryParams;

/**
 * The pull feed for the tenant's case system (service clients with the {@code journal-reader} role;
 * the tenant comes from the token's issuer). Blocking methods: they run on worker threads.
 */
@Path("/api/v1/journal")
@RolesAllowed("journal-reader")
public class JournalResource {

    public record AckRequest(Long position) {
    }

    public record SigningKey(String keyId, String algorithm, String publicKeyPem) {
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final JournalFeed feed;
    private final JournalSigner signer;
    private final JournalAccesses accesses;

    JournalResource(SecurityIdentity identity, CallerResolver callers, JournalFeed feed, JournalSigner signer,
            JournalAccesses accesses) {
        this.accesses = accesses;
        this.identity = identity;
        this.callers = callers;
        this.feed = feed;
        this.signer = signer;
    }

    /** Entries after a position (default: after the acknowledged one), ascending. */
    @GET
    @Path("/entries")
    @Produces(MediaType.APPLICATION_JSON)
    public String entries(@QueryParam("after") String after, @QueryParam("limit") String limit) {
        Long a = after == null ? null : QueryParams.number("after", after, 0);
        int l = limit == null ? 100 : (int) QueryParams.number("limit", limit, 1);
        Caller c = caller();
        JournalFeed.Page page = feed.page(c.tenantId(), a, l);
        accesses.pulled(c, page.after(), page.last());
        return page.json();
    }

    /** One entry by its id; another tenant's entry is not found. */
    @GET
    @Path("/entries/{entryId}")
    @Produces(MediaType.APPLICATION_JSON)
    public String entry(@PathParam("entryId") UUID entryId) {
        Caller c = caller();
        String entry = feed.entry(c.tenantId(), entryId);
        accesses.pulled(c, entryId);
        return entry;
    }

    /** Acknowledges every entry up to and including a position. */
    @POST
    @Path("/ack")
    public JournalFeed.Ack ack(AckRequest body) {
        if (body == null || body.position() == null) {
            throw ProblemException.invalid("position", "is required");
        }
        return feed.ack(caller().tenantId(), body.position());
    }

    /** Walks a range of the chain and reports the first broken link (also for admins). */
    @GET
    @Path("/verification")
    @RolesAllowed({"journal-reader", "admin"})
    public JournalFeed.Verification verify(@QueryParam("from") String from, @QueryParam("to") String to) {
        return feed.verify(caller().tenantId(), from == null ? null : QueryParams.number("from", from, 1),
                to == null ? null : QueryParams.number("to", to, 0));
    }

    /** The public key entries are signed with (also for admins). */
    @GET
    @Path("/signing-key")
    @RolesAllowed({"journal-reader", "admin"})
    public SigningKey signingKey() {
        return new SigningKey(signer.keyId(), "EdDSA", signer.publicKeyPem());
    }

    private Caller caller() {
        return callers.resolve(identity).await().atMost(Duration.ofSeconds(30));
    }

}
