package dk.samtale.records;

import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerResolver;
import dk.samtale.identity.Citizens;
import dk.samtale.platform.AccessLog;
import dk.samtale.platform.InsightContributor.Audience;
import dk.samtale.platform.ProblemException;

/**
 * The citizen's insight report (GDPR Art. 15): the citizen fetches their own from the app; the tenant's data
 * protection officer (staff role {@code dpo}) produces one by CPR for a request made by letter. Both as JSON
 * ({@code Accept: application/json}, the default) or as an HTML document to save ({@code Accept: text/html}).
 * Every production is recorded in the access log.
 */
@Path("/api/v1")
public class InsightResource {

    private static final Pattern CPR = Pattern.compile("\\d{10}");

    /** The DPO's request: the CPR number from the citizen's letter (never logged). */
    public record InsightRequest(String cpr) {
        @Override
        public String toString() {
            return "InsightRequest[...]";
        }
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final Citizens citizens;
    private final InsightReports reports;
    private final InsightHtml html;

    InsightResource(SecurityIdentity identity, CallerResolver callers, Citizens citizens, InsightReports reports,
            InsightHtml html) {
        this.identity = identity;
        this.callers = callers;
        this.citizens = citizens;
        this.reports = reports;
        this.html = html;
    }

    @GET
    @Path("/me/insight")
    @RolesAllowed("citizen")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<InsightReport> mine() {
        return callers.resolve(identity).flatMap(c -> reports.produce(c.tenantId(), c.tenantName(), c.id(),
                Audience.citizen, AccessLog.Accessor.citizen(c.id())));
    }

    @GET
    @Path("/me/insight")
    @RolesAllowed("citizen")
    @Produces(MediaType.TEXT_HTML)
    public Uni<RestResponse<String>> mineAsHtml() {
        return mine().map(this::document);
    }

    @POST
    @Path("/admin/insight")
    @RolesAllowed("dpo")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<InsightReport> byCpr(InsightRequest body) {
        String cpr = body == null ? null : body.cpr();
        if (cpr == null || !CPR.matcher(cpr).matches()) {
            throw ProblemException.invalid("cpr", "must be 10 digits");
        }
        return callers.resolve(identity).flatMap(c -> citizens.find(c.tenantId(), cpr).flatMap(citizenId -> {
            if (citizenId == null) {
                throw ProblemException.notFound("citizen");
            }
            return reports.produce(c.tenantId(), c.tenantName(), citizenId, Audience.dpo, dpo(c));
        }));
    }

    @POST
    @Path("/admin/insight")
    @RolesAllowed("dpo")
    @Produces(MediaType.TEXT_HTML)
    public Uni<RestResponse<String>> byCprAsHtml(InsightRequest body) {
        return byCpr(body).map(this::document);
    }

    private RestResponse<String> document(InsightReport report) {
        return RestResponse.ResponseBuilder.ok(html.render(report), MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                .header("Content-Disposition", "attachment; filename=\"samtale-indsigt-"
                        + report.generatedAt().toString().substring(0, 10) + ".html\"")
                .header("Content-Security-Policy", InsightHtml.CSP).header("Cache-Control", "no-store").build();
    }

    private static AccessLog.Accessor dpo(Caller c) {
        return AccessLog.Accessor.staff(c.id());
    }
}
