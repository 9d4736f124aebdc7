package dk.samtale.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dk.samtale.crypto.KeyRing;
import dk.samtale.testing.Api;
import dk.samtale.testing.Tokens;
import dk.samtale.testing.World;

/**
 * Requests that arrive together while a tenant's keys are being loaded each keep their own database
 * session. The key ring shares one load between its waiters; when the waiters were resumed on the
 * first one's Vert.x context they also shared its Hibernate session and transaction: the load tool's
 * 20 concurrent first conversations of a fresh service failed with 500s (a duplicate key, then
 * "current transaction is aborted" in a request that had done nothing wrong).
 */
@QuarkusTest
class ConcurrentFirstRequestsTest {

    /** andenby: rotating its data key here disturbs no other test (testby's keys are EncryptionAtRestTest's). */
    static final UUID ANDENBY = UUID.fromString("00000000-0000-7000-8000-000000000002");
    static final int CLIENTS = 24;

    @Inject
    KeyRing keys;

    @Test
    void concurrentRequestsWaitingForOneKeyLoadKeepTheirOwnTransactions() throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            tokens.add(Tokens.citizen("andenby", String.format("1207%06d", 900_000 + i), "Borger " + i));
        }
        for (int round = 0; round < 3; round++) {
            keys.rotate(ANDENBY).await().atMost(java.time.Duration.ofSeconds(10)); // empties the tenant's cached keys
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> answers = new ArrayList<>();
                for (String token : tokens) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return Api.as(token).body(Map.of("unitId", World.UNIT_Z, "subject", "Samtidig"))
                                .post("/api/v1/conversations").then().extract().statusCode();
                    }));
                }
                go.countDown();
                for (Future<Integer> a : answers) {
                    assertEquals(201, a.get(60, TimeUnit.SECONDS), "round " + round);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
