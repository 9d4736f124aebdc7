package dk.samtale.journal.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.UUID;

import dk.samtale.journal.CaseJournal;

/**
 * {@link CaseJournal} over HTTP: {@code POST <endpoint>} with the entry as JSON and its id in the
 * {@code Idempotency-Key} header. 2xx is delivered; 408, 425, 429 and 5xx (and network failures) are
 * retried, honouring {@code Retry-After} (seconds or an HTTP date); any other status is a rejection.
 */
public class HttpCaseJournal implements CaseJournal {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final HttpClient client;
    private final Duration timeout;
    private final Clock clock;

    public HttpCaseJournal(HttpClient client, Duration timeout, Clock clock) {
        this.client = client;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public Outcome deliver(URI endpoint, UUID idempotencyKey, String entryJson) {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .header(IDEMPOTENCY_KEY, idempotencyKey.toString())
                .POST(HttpRequest.BodyPublishers.ofString(entryJson)).build();
        HttpResponse<Void> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            return new Outcome.Retry(null, null, "network: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Retry(null, null, "interrupted");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Outcome.Delivered(status);
        }
        if (status == 408 || status == 425 || status == 429 || status >= 500) {
            return new Outcome.Retry(status, retryAfter(response.headers().firstValue("Retry-After").orElse(null)),
                    "HTTP " + status);
        }
        return new Outcome.Rejected(status, "HTTP " + status);
    }

    private Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(clock.instant(),
                        ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException x) {
                return null;
            }
        }
    }
}
