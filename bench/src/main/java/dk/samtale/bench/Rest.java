package dk.samtale.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The REST API, synchronously (setup and verification, never the measured path of the chat). */
final class Rest {

    static final ObjectMapper JSON = new ObjectMapper();

    record Response(int status, JsonNode body, String retryAfter) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String base;

    Rest(String base) {
        this.base = base;
    }

    Response post(String token, String path, Object body) {
        try {
            return call(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Response get(String token, String path) {
        return call(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).GET());
    }

    private Response call(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body() == null || r.body().isEmpty() ? null : JSON.readTree(r.body());
            return new Response(r.statusCode(), body, r.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            return new Response(-1, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Harness.Fail("interrupted");
        }
    }

    /** Runs {@code count} calls on {@code threads} threads and returns their results in order. */
    static <T> List<T> parallel(int count, int threads, long timeoutSeconds, IntFunction<T> call) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, count)));
        try {
            List<Future<T>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> call.apply(n)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            List<T> out = new ArrayList<>(count);
            for (Future<T> f : futures) {
                out.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return out;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new Harness.Fail("REST calls did not finish within " + timeoutSeconds + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Harness.Fail("interrupted");
        } finally {
            pool.shutdownNow();
        }
    }
}
