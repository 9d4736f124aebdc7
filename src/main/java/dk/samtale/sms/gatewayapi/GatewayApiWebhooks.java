package dk.samtale.sms.gatewayapi;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;
import dk.samtale.sms.DeliveryReports;
import dk.samtale.sms.IncomingSms;

/**
 * GatewayAPI's webhooks. Not behind citizen/staff tokens: the gateway authenticates with the signed
 * {@code X-Gwapi-Signature} instead (checked before anything is read). The tenant is never taken from
 * the request: a delivery report finds its tenant through its userref (our notice id), an incoming SMS
 * through the receiving number. Both answer 204 quickly and idempotently, so the gateway stops retrying.
 */
@Path("/api/v1/sms/gatewayapi")
@PermitAll
@Consumes(MediaType.APPLICATION_JSON)
public class GatewayApiWebhooks {

    /** A delivery report: {id, msisdn, time, status, userref, error, code}. */
    record Report(Long id, String status, String userref, String error, String code) {
        static Report of(JsonNode n) {
            return new Report(number(n, "id"), text(n, "status"), text(n, "userref"), text(n, "error"),
                    text(n, "code"));
        }
    }

    /** An incoming SMS (MO): {id, msisdn, receiver, message, senttime, webhook_label}. */
    record Incoming(Long id, String msisdn, String receiver, String message) {
        static Incoming of(JsonNode n) {
            return new Incoming(number(n, "id"), text(n, "msisdn"), text(n, "receiver"), text(n, "message"));
        }

        @Override
        public String toString() {
            return "Incoming[" + id + "]";
        }
    }

    private final WebhookSignature signature;
    private final DeliveryReports reports;
    private final IncomingSms incoming;
    private final ObjectMapper json;

    GatewayApiWebhooks(WebhookSignature signature, DeliveryReports reports, IncomingSms incoming, ObjectMapper json) {
        this.signature = signature;
        this.reports = reports;
        this.incoming = incoming;
        this.json = json;
    }

    /** GatewayAPI: delivery status of an SMS we sent (its userref is our notice id). */
    @POST
    @Path("/delivery-reports")
    public Uni<RestResponse<Void>> deliveryReport(@HeaderParam("X-Gwapi-Signature") String token, String body) {
        requireSignature(token);
        JsonNode payload = parse(body);
        Report r = Report.of(payload);
        if (r.status() == null) {
            throw ProblemException.invalid("status", "is required");
        }
        return signature.verify(token, payload)
                .flatMap(x -> reports.apply(r.userref(), r.status(), r.id(), r.error(), r.code())
                        .onFailure().call(e -> signature.forget(token)))
                .map(x -> RestResponse.noContent());
    }

    /** GatewayAPI: an SMS a citizen sent to one of our numbers. */
    @POST
    @Path("/incoming")
    public Uni<RestResponse<Void>> incoming(@HeaderParam("X-Gwapi-Signature") String token, String body) {
        requireSignature(token);
        JsonNode payload = parse(body);
        Incoming m = Incoming.of(payload);
        if (m.id() == null || m.msisdn() == null || m.receiver() == null) {
            throw ProblemException.invalid("id", "id, msisdn and receiver are required");
        }
        return signature.verify(token, payload)
                .flatMap(x -> incoming.receive(m.id(), m.msisdn(), m.receiver(), m.message())
                        .onFailure().call(e -> signature.forget(token)))
                .map(x -> RestResponse.noContent());
    }

    private static void requireSignature(String token) {
        if (token == null || token.isBlank()) {
            throw new ProblemException(ErrorCode.WEBHOOK_SIGNATURE, "The webhook signature is missing or invalid");
        }
    }

    private JsonNode parse(String body) {
        try {
            JsonNode n = json.readTree(body == null ? "" : body);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException();
            }
            return n;
        } catch (Exception e) {
            throw new ProblemException(ErrorCode.MALFORMED_JSON, "The body is not the expected JSON object");
        }
    }

    /** The gateway sends numbers (msisdn, receiver) as JSON numbers; strings are taken too. */
    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.canConvertToExactIntegral() || v.isTextual() && v.asText().matches("[0-9]{1,18}")) {
            return v.asLong();
        }
        throw ProblemException.invalid(field, "must be a whole number");
    }
}
