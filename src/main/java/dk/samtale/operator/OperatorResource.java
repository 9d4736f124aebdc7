package dk.samtale.operator;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.audit.AuditAction;
import dk.samtale.audit.AuditActor;
import dk.samtale.audit.AuditEvent;
import dk.samtale.audit.AuditTrail;
import dk.samtale.identity.Tenancy;
import dk.samtale.identity.VerifiedToken;
import dk.samtale.platform.Items;
import dk.samtale.platform.ProblemException;
import dk.samtale.sms.SmsSettings;

/**
 * The operator API: platform operators (service clients with the {@code platform-admin} role, from an
 * issuer configured with {@code platform-operators=true}) create and change tenants, their units and
 * their SMS settings — everything a municipality needs to go live, without SQL. Every change is audited
 * under the tenant it changed. A tenant's own {@code admin} cannot call any of this.
 */
@Path("/api/v1/operator/tenants")
@RolesAllowed("platform-admin")
public class OperatorResource {

    public record NewTenant(String slug, String name, String municipalityCode) {
    }

    public record TenantChange(String name, String municipalityCode) {
    }

    public record UnitChange(String name, List<String> externalIds) {
    }

    private final SecurityIdentity identity;
    private final Tenancy tenancy;
    private final SmsSettings sms;
    private final AuditTrail audit;

    OperatorResource(SecurityIdentity identity, Tenancy tenancy, SmsSettings sms, AuditTrail audit) {
        this.identity = identity;
        this.tenancy = tenancy;
        this.sms = sms;
        this.audit = audit;
    }

    @GET
    public Uni<Items<Tenancy.Tenant>> tenants() {
        return tenancy.tenants().map(Items::new);
    }

    @POST
    public Uni<RestResponse<Tenancy.Tenant>> createTenant(NewTenant body) {
        NewTenant b = require(body);
        return tenancy.createTenant(b.slug(), b.name(), b.municipalityCode())
                .call(t -> audited(t.id(), AuditAction.TENANT_CREATED, "tenant", t.id(), Map.of()))
                .map(t -> RestResponse.ResponseBuilder.<Tenancy.Tenant>created(
                        URI.create("/api/v1/operator/tenants/" + t.id())).entity(t).build());
    }

    @GET
    @Path("/{tenantId}")
    public Uni<Tenancy.Tenant> tenant(@PathParam("tenantId") UUID tenantId) {
        return tenancy.tenant(tenantId);
    }

    /** Name and municipality code; the slug never changes (the issuer configuration names it). */
    @PUT
    @Path("/{tenantId}")
    public Uni<Tenancy.Tenant> updateTenant(@PathParam("tenantId") UUID tenantId, TenantChange body) {
        TenantChange b = require(body);
        return tenancy.updateTenant(tenantId, b.name(), b.municipalityCode())
                .call(t -> audited(t.id(), AuditAction.TENANT_UPDATED, "tenant", t.id(), Map.of()));
    }

    @GET
    @Path("/{tenantId}/units")
    public Uni<Items<Tenancy.Unit>> units(@PathParam("tenantId") UUID tenantId) {
        return tenancy.units(tenantId).map(Items::new);
    }

    @POST
    @Path("/{tenantId}/units")
    public Uni<RestResponse<Tenancy.Unit>> createUnit(@PathParam("tenantId") UUID tenantId, UnitChange body) {
        UnitChange b = require(body);
        return tenancy.createUnit(tenantId, b.name(), b.externalIds())
                .call(u -> audited(tenantId, AuditAction.UNIT_CREATED, "unit", u.id(), Map.of()))
                .map(u -> RestResponse.ResponseBuilder.<Tenancy.Unit>created(
                        URI.create("/api/v1/operator/tenants/" + tenantId + "/units/" + u.id())).entity(u).build());
    }

    /** Replaces the unit's name and its external ids (the first is its primary one). */
    @PUT
    @Path("/{tenantId}/units/{unitId}")
    public Uni<Tenancy.Unit> updateUnit(@PathParam("tenantId") UUID tenantId, @PathParam("unitId") UUID unitId,
            UnitChange body) {
        UnitChange b = require(body);
        return tenancy.updateUnit(tenantId, unitId, b.name(), b.externalIds())
                .call(u -> audited(tenantId, AuditAction.UNIT_UPDATED, "unit", u.id(), Map.of()));
    }

    /** 404 when SMS is not set up for the tenant. */
    @GET
    @Path("/{tenantId}/sms")
    public Uni<SmsSettings.Settings> smsSettings(@PathParam("tenantId") UUID tenantId) {
        return tenancy.tenant(tenantId).flatMap(t -> sms.get(tenantId)).map(s -> {
            if (s == null) {
                throw ProblemException.notFound("SMS settings");
            }
            return s;
        });
    }

    @PUT
    @Path("/{tenantId}/sms")
    public Uni<SmsSettings.Settings> setSmsSettings(@PathParam("tenantId") UUID tenantId, SmsSettings.Settings body) {
        SmsSettings.Settings b = require(body);
        Uni<Boolean> unitOk = b.defaultUnitId() == null
                ? Uni.createFrom().item(true)
                : tenancy.unitOf(tenantId, b.defaultUnitId());
        return tenancy.tenant(tenantId).flatMap(t -> unitOk).flatMap(ok -> {
            if (!ok) {
                throw ProblemException.invalid("defaultUnitId", "must be a unit of this tenant");
            }
            return sms.put(tenantId, b);
        }).call(s -> audited(tenantId, AuditAction.SMS_SETTINGS_CHANGED, "tenant", tenantId, Map.of()));
    }

    private Uni<Void> audited(UUID tenantId, AuditAction action, String targetType, UUID targetId,
            Map<String, String> detail) {
        VerifiedToken token = identity.getAttribute(VerifiedToken.ATTRIBUTE);
        String who = token.client() != null ? token.client() : token.subject();
        return audit.record(new AuditEvent(tenantId, AuditActor.operator(who), action, targetType, targetId, detail));
    }

    private static <T> T require(T body) {
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        return body;
    }
}
