package dk.samtale.sms.gatewayapi;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

import dk.samtale.sms.Segments;
import dk.samtale.sms.SmsConfig;
import dk.samtale.sms.SmsGateway;

/**
 * {@link SmsGateway} over GatewayAPI's REST API: {@code POST /rest/mtsms} with token auth, answered with
 * {@code {"ids": [...]}}. The JDK HTTP client sends asynchronously, so no thread waits on the gateway.
 * 2xx → accepted; 429 and 5xx, timeouts and network errors → retry; other 4xx → rejected.
 */
@ApplicationScoped
public class GatewayApiSmsGateway implements SmsGateway {

    private final SmsConfig.GatewayApi config;
    private final Optional<String> token;
    private final ObjectMapper json;
    private final HttpClient http;

    @jakarta.inject.Inject
    GatewayApiSmsGateway(SmsConfig config, ObjectMapper json) {
        this(config.gatewayapi(), json, HttpClient.newBuilder().connectTimeout(config.gatewayapi().timeout()).build());
    }

    GatewayApiSmsGateway(SmsConfig.GatewayApi config, ObjectMapper json, HttpClient http) {
        this.config = config;
        this.token = config.token().filter(t -> !t.isBlank());
        this.json = json;
        this.http = http;
    }

    @Override
    public boolean enabled() {
        return token.isPresent();
    }

    @Override
    public Uni<Sent> send(OutgoingSms sms) {
        if (token.isEmpty()) {
            return Uni.createFrom().item(new Sent.Retry("disabled", false));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sender", sms.sender());
        body.put("message", sms.text());
        body.put("recipients", List.of(Map.of("msisdn", Long.parseLong(sms.msisdn()))));
        body.put("userref", sms.userref());
        config.callbackUrl().ifPresent(url -> body.put("callback_url", url));
        body.put("class", "standard");
        if (sms.count().encoding() == Segments.Encoding.UCS2) {
            body.put("encoding", "UCS2");
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(config.baseUrl().replaceAll("/+$", "") + "/rest/mtsms"))
                    .timeout(config.timeout())
                    .header("Authorization", "Token " + token.get())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                    .build();
        } catch (Exception e) {
            return Uni.createFrom().item(new Sent.Rejected("request: " + e.getClass().getSimpleName()));
        }
        return Uni.createFrom()
                .completionStage(
                        () -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)))
                .map(this::outcome)
                // network errors and timeouts: try again; after a timeout the gateway may have it already
                .onFailure().recoverWithItem(e -> new Sent.Retry(e.getClass().getSimpleName(),
                        e instanceof java.net.http.HttpTimeoutException
                                && !(e instanceof java.net.http.HttpConnectTimeoutException)));
    }

    private Sent outcome(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            try {
                JsonNode ids = json.readTree(response.body()).get("ids");
                if (ids != null && ids.isArray() && !ids.isEmpty() && ids.get(0).canConvertToLong()) {
                    return new Sent.Accepted(ids.get(0).asLong());
                }
            } catch (Exception e) {
                // fall through: an answer without ids
            }
            // taken (2xx), but no id to match delivery reports by: do not send it again
            return new Sent.Accepted(0);
        }
        if (status == 429 || status >= 500) {
            return new Sent.Retry("http " + status, false);
        }
        return new Sent.Rejected("http " + status);
    }
}
