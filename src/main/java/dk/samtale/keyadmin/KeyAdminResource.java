package dk.samtale.keyadmin;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.audit.AuditAction;
import dk.samtale.audit.AuditActor;
import dk.samtale.audit.AuditEvent;
import dk.samtale.audit.AuditTrail;
import dk.samtale.crypto.KeyEncryptionKeys;
import dk.samtale.crypto.KeyRing;
import dk.samtale.crypto.ReencryptionJob;
import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.ProblemException;

/**
 * Key operations for a tenant's operators: service clients with the {@code admin} role, acting on their
 * own tenant only (the tenant comes from the token's issuer, never from the request).
 *
 * <p>
 * Its own package, above both {@code crypto} and {@code identity}: identity seals CPR numbers with the
 * key ring, so crypto must not depend on identity's callers (that made the cycle crypto → identity →
 * crypto).
 */
@Path("/api/v1/admin/keys")
@RolesAllowed("admin")
public class KeyAdminResource {

    public record Reencryption(boolean running, long remainingMessages) {
    }

    public record KeyStatus(String kekId, List<KeyRing.KeyInfo> keys, Reencryption reencryption) {
    }

    public record Rewrapped(int rewrapped) {
    }

    /** Shredding needs the tenant's own slug typed back: it cannot be undone. */
    public record ShredRequest(String confirm) {
    }

    public record Shredded(int destroyedKeys) {
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final KeyRing keys;
    private final KeyEncryptionKeys keks;
    private final ReencryptionJob job;
    private final AuditTrail audit;

    KeyAdminResource(SecurityIdentity identity, CallerResolver callers, KeyRing keys, KeyEncryptionKeys keks,
            ReencryptionJob job, AuditTrail audit) {
        this.identity = identity;
        this.callers = callers;
        this.keys = keys;
        this.keks = keks;
        this.job = job;
        this.audit = audit;
    }

    private Uni<Void> audited(Caller c, AuditAction action) {
        return audit.record(AuditEvent.of(c.tenantId(), AuditActor.of(c), action, "tenant", c.tenantId()));
    }

    @GET
    public Uni<KeyStatus> status() {
        return callers.resolve(identity).flatMap(this::status);
    }

    /** A new data key for new writes; a background job moves existing values to it. 202: it is running. */
    @POST
    @Path("/rotate")
    public Uni<RestResponse<KeyStatus>> rotate() {
        return callers.resolve(identity).flatMap(c -> keys.rotate(c.tenantId()).invoke(id -> job.start(c.tenantId()))
                .call(id -> audited(c, AuditAction.KEYS_ROTATED)).flatMap(id -> status(c)))
                .map(s -> RestResponse.status(RestResponse.Status.ACCEPTED, s));
    }

    /** Wraps the tenant's data keys under the current KEK (after a KEK rotation). */
    @POST
    @Path("/rewrap")
    public Uni<Rewrapped> rewrap() {
        return callers.resolve(identity)
                .flatMap(c -> keys.rewrap(c.tenantId()).call(n -> audited(c, AuditAction.KEYS_REWRAPPED)))
                .map(Rewrapped::new);
    }

    /** Crypto-shredding: the tenant's stored messages, CPR numbers and names become unreadable for good. */
    @POST
    @Path("/shred")
    public Uni<Shredded> shred(ShredRequest body) {
        return callers.resolve(identity).flatMap(c -> keys.slug(c.tenantId()).flatMap(slug -> {
            if (body == null || !slug.equals(body.confirm())) {
                throw ProblemException.invalid("confirm", "must be the tenant's slug; shredding cannot be undone");
            }
            return keys.shred(c.tenantId()).call(n -> audited(c, AuditAction.KEYS_SHREDDED));
        })).map(Shredded::new);
    }

    private Uni<KeyStatus> status(Caller c) {
        return keys.describe(c.tenantId()).flatMap(list -> job.remaining(c.tenantId())
                .map(n -> new KeyStatus(keks.currentId(), list, new Reencryption(job.running(c.tenantId()), n))));
    }
}
