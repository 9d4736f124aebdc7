package dk.samtale.platform;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/** Oversized bodies and floods get problems, and nothing beyond the limit is stored. */
@QuarkusTest
class RequestLimitsTest {

    @jakarta.inject.Inject
    LimitsConfig limits;

    @Test
    void aBodyOverSixtyFourKibibytesIsRefusedWith413() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        Api.as(World.citizenA()).body(Map.of("clientMessageId", "big", "body", "x".repeat(70_000)))
                .post("/api/v1/conversations/" + conversation + "/messages")
                .then().statusCode(413).contentType(Problem.MEDIA_TYPE).body("code", equalTo("payload-too-large"));
        Api.as(World.citizenA()).get("/api/v1/conversations/" + conversation + "/messages")
                .then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void aCallerThatFloodsWritesGets429WithRetryAfterAndOthersAreUnaffected() {
        // a caller of its own, so no other test shares its bucket
        String flooder = Tokens.staff("testby", "flooder-" + UUID.randomUUID(), "Flemming Flod", "unit-x");
        String conversation = World.openConversation(World.citizenB(), World.UNIT_X);
        // from several threads, like the PUT/DELETE floods: one client thread on a loaded machine may stay
        // under the rate
        int created = assertLimited(i -> Api.as(flooder).body(Map.of("clientMessageId", "f-" + i, "body", "spam " + i))
                .post("/api/v1/conversations/" + conversation + "/messages"), 201);

        // what was accepted is stored, once each; another caller is not limited
        Api.as(World.citizenB()).get("/api/v1/conversations/" + conversation + "/messages?before=100000&limit=1")
                .then().statusCode(200).body("items[0].seq", equalTo(created));
        World.send(World.citizenB(), conversation, "jeg er her stadig");
    }

    @Test
    void putAndDeleteAreLimitedPerCallerLikePost() {
        // issue 14 item 3: PUT and DELETE ran at ~250/s per caller
        String putter = Tokens.staff("testby", "putter-" + UUID.randomUUID(), "Preben Put", "unit-x");
        String template = Api.as(putter).body(Map.of("title", "Flod", "body", "tekst"))
                .post("/api/v1/units/" + World.UNIT_X + "/templates").then().statusCode(201).extract().path("id");
        Api.as(putter).body(Map.of("title", "Flod 2", "body", "tekst"))
                .put("/api/v1/units/" + World.UNIT_X + "/templates/" + template).then().statusCode(200);
        // the limit is taken before the body is read: a flood of cheap bad PUTs (400) outruns the refill
        // even on a loaded machine, where real writes may not
        assertLimited(i -> Api.as(putter).body("{\"title\":")
                .put("/api/v1/units/" + World.UNIT_X + "/templates/" + template), 400);

        String deleter = Tokens.staff("testby", "deleter-" + UUID.randomUUID(), "Dorte Slet", "unit-x");
        assertLimited(i -> Api.as(deleter)
                .delete("/api/v1/units/" + World.UNIT_X + "/templates/" + UUID.randomUUID()), 404);
        // another caller's writes are not limited by theirs
        Api.as(World.staffX2()).body(Map.of("title", "Min egen", "body", "tekst"))
                .post("/api/v1/units/" + World.UNIT_X + "/templates").then().statusCode(201);
    }

    /**
     * Repeats a write, from several threads (one slow client thread on a loaded machine may stay under
     * the rate), until it is refused with 429; every answer before that has the given status.
     */
    private int assertLimited(java.util.function.IntFunction<Response> write, int okStatus) {
        var limited = new java.util.concurrent.atomic.AtomicReference<Response>();
        var passed = new java.util.concurrent.atomic.AtomicInteger();
        var next = new java.util.concurrent.atomic.AtomicInteger();
        var unexpected = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int t = 0; t < 8; t++) {
                threads.submit(() -> {
                    int i;
                    while (limited.get() == null && unexpected.isEmpty() && (i = next.getAndIncrement()) < 3000) {
                        Response r = write.apply(i);
                        if (r.statusCode() == 429) {
                            limited.compareAndSet(null, r);
                        } else if (r.statusCode() == okStatus) {
                            passed.incrementAndGet();
                        } else {
                            unexpected.add(r.statusCode() + " " + r.asString());
                        }
                    }
                });
            }
            threads.shutdown();
            assertTrue(threads.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES), "the writes did not end");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            threads.shutdownNow();
        }
        assertTrue(unexpected.isEmpty(), () -> "unexpected answers: " + unexpected);
        assertTrue(limited.get() != null, "no 429 within 3000 rapid writes");
        limited.get().then().contentType(Problem.MEDIA_TYPE).body("code", equalTo("rate-limited"))
                .body("retryAfterSeconds", notNullValue()).header("Retry-After", notNullValue());
        assertTrue(passed.get() >= limits.restWriteBurst() - 1, "the burst allowance was honoured: " + passed);
        return passed.get();
    }

    @Test
    void aNulCharacterInAnyStoredTextIsAnInvalidFieldNever500() {
        String staff = World.staffX();
        Api.as(World.citizenA()).body(Map.of("unitId", World.UNIT_X, "subject", "Hej\u0000med dig"))
                .post("/api/v1/conversations").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("invalid-field"));
        Api.as(staff).body(Map.of("title", "Skabelon\u0000", "body", "tekst"))
                .post("/api/v1/units/" + World.UNIT_X + "/templates").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("invalid-field"));
        Api.as(staff).body(Map.of("title", "Skabelon", "body", "te\u0000kst"))
                .post("/api/v1/units/" + World.UNIT_X + "/templates").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("invalid-field"));
    }

    @Test
    void duplicateJsonKeysAreMalformedJsonNever500() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        Api.as(World.citizenA()).body("{\"clientMessageId\":\"d-1\",\"body\":\"a\",\"body\":\"b\"}")
                .post("/api/v1/conversations/" + conversation + "/messages").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("malformed-json"));
        Api.as(World.citizenA()).body("{\"seq\":1,\"seq\":2}")
                .post("/api/v1/conversations/" + conversation + "/read").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("malformed-json"));
        Api.as(World.citizenA()).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void apiAnswersCarryingPersonalDataAreNotStoredByBrowsersOrProxies() {
        String conversation = World.openConversation(World.citizenA(), World.UNIT_X);
        Api.as(World.citizenA()).get("/api/v1/me").then().statusCode(200).header("Cache-Control", "no-store");
        Api.as(World.staffX()).get("/api/v1/conversations/" + conversation + "/messages").then().statusCode(200)
                .header("Cache-Control", "no-store");
        Api.as(World.staffX()).body(Map.of("cpr", Api.CPR_A)).post("/api/v1/citizens/lookup").then()
                .header("Cache-Control", "no-store");
        Api.anonymous().get("/api/v1/me").then().statusCode(401).header("Cache-Control", "no-store");
    }
}
