package dk.samtale.push;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import dk.samtale.crypto.KeyRing;
import dk.samtale.crypto.TenantKeys;
import dk.samtale.crypto.Unreadable;
import dk.samtale.platform.Backoff;
import dk.samtale.platform.DaemonThreads;
import dk.samtale.platform.Relay;
import dk.samtale.platform.Times;

/**
 * Sends the pushes the message statement recorded in push_due, on every replica, without ever sending
 * one twice at the same time: each round claims due rows with {@code FOR UPDATE SKIP LOCKED} and a lease.
 *
 * <p>
 * <b>Who gets no push.</b> A push waits a grace period after its message committed; then it is skipped
 * if a device of the recipient side has confirmed delivery of that seq (the {@code delivered} frame, or
 * {@code read}, stored in read_cursor by whichever replica holds the socket). The database is the only
 * state replicas share, so "online" means "confirmed it" — a socket that is open but asleep still gets
 * its push.
 *
 * <p>
 * <b>Failure.</b> The relay keeps no state of its own: a crash or restart at any point only delays a
 * push (by the lease, if it was claimed). Retries back off exponentially with jitter, honour
 * Retry-After, and end after {@code max-attempts} in a recorded failure (push_failure). The blocking
 * Firebase SDK runs on the relay's own sender threads, never the event loop.
 */
@ApplicationScoped
public class PushRelay {

    private static final Logger LOG = Logger.getLogger(PushRelay.class);
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);

    private final PushQueue queue;
    private final Devices devices;
    private final PushNotifier notifier;
    private final KeyRing keys;
    private final PushConfig config;
    private final PushMetrics metrics;
    private final Clock clock;
    private final Backoff backoff;
    private final Relay<String> relay;
    private ExecutorService senders;

    PushRelay(PushQueue queue, Devices devices, PushNotifier notifier, KeyRing keys, PushConfig config,
            PushMetrics metrics, Clock clock, MeterRegistry registry) {
        this.queue = queue;
        this.devices = devices;
        this.notifier = notifier;
        this.keys = keys;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.backoff = new Backoff(config.backoffBase(), config.backoffMax());
        // one key: the due rows are claimed with a lease, so every replica can run the same relay
        this.relay = new Relay<>("push-relay", Duration.ZERO, config.pollInterval(), key -> round(),
                () -> List.of("due"),
                registry);
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    /** Starts the rounds (at start-up; after {@link #stop()}, as a restart would). */
    synchronized void start() {
        if (relay.running()) {
            return;
        }
        senders = Executors.newFixedThreadPool(config.senderThreads(), DaemonThreads.named("push-sender"));
        relay.start();
    }

    /** Stops after the round in progress (whatever is due stays in push_due for the next start). */
    @PreDestroy
    synchronized void stop() {
        if (!relay.running()) {
            return;
        }
        relay.stop();
        senders.shutdown();
        senders = null;
    }

    /** A claimed push, resolved and ready to send. */
    private record Ready(PushQueue.Due due, List<PushQueue.Recipient> recipients,
            List<PushNotifier.Notification> notifications) {
    }

    /**
     * Claims and sends one batch. Each claimed push is resolved on the sender threads (database work);
     * then the notifications of the whole batch go out together in {@code sendEach} calls of up to
     * {@link #SEND_EACH_LIMIT}, which the SDK sends concurrently; then each push is settled by its own
     * outcomes. A failure (the database is away) fails the pass: the relay tries again after a backoff,
     * and leased rows wait out their lease.
     */
    private Relay.Pass round() {
        Instant now = Times.now(clock);
        List<PushQueue.Due> due = queue.claim(now, config.grace(), config.lease(), config.batchSize()).await()
                .atMost(DB_TIMEOUT);
        if (due.isEmpty()) {
            wakeWhenNextDue(now);
            return Relay.Pass.DONE;
        }
        ExecutorService pool = senders;
        List<Ready> ready = all(due.stream()
                .map(d -> CompletableFuture.supplyAsync(() -> guarded(d, () -> prepare(d)), pool)).toList());
        List<PushNotifier.Notification> batch = new ArrayList<>();
        ready.forEach(r -> batch.addAll(r.notifications()));
        List<PushNotifier.Outcome> outcomes = send(batch);
        List<CompletableFuture<Ready>> settling = new ArrayList<>();
        int from = 0;
        for (Ready r : ready) {
            List<PushNotifier.Outcome> own = outcomes.subList(from, from + r.notifications().size());
            from += r.notifications().size();
            settling.add(CompletableFuture.supplyAsync(() -> guarded(r.due(), () -> {
                settle(r.due(), r.recipients(), own);
                return null;
            }), pool));
        }
        all(settling);
        if (due.size() == config.batchSize()) {
            return Relay.Pass.MORE;
        }
        wakeWhenNextDue(Times.now(clock));
        return Relay.Pass.DONE;
    }

    /**
     * A push falls due when its grace ends, which the poll notices up to one poll interval late (bench
     * push: p50 +350 ms, p99 +660 ms after the grace under chat load): when the next one falls due
     * before the next poll, wake exactly then.
     */
    private void wakeWhenNextDue(Instant now) {
        Instant next = queue.nextDue(config.grace()).await().atMost(DB_TIMEOUT);
        if (next != null) {
            Duration in = Duration.between(now, next);
            if (in.compareTo(config.pollInterval()) < 0) {
                relay.wakeIn("due", in.plusMillis(1));
            }
        }
    }

    static final int SEND_EACH_LIMIT = 500;

    private List<PushNotifier.Outcome> send(List<PushNotifier.Notification> batch) {
        List<PushNotifier.Outcome> outcomes = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i += SEND_EACH_LIMIT) {
            outcomes.addAll(notifier.send(batch.subList(i, Math.min(batch.size(), i + SEND_EACH_LIMIT))));
        }
        return outcomes;
    }

    /** The results that are there (null ones dropped), once all are done. */
    private static <T> List<T> all(List<CompletableFuture<T>> futures) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        List<T> list = new ArrayList<>(futures.size());
        for (CompletableFuture<T> f : futures) {
            T t = f.join();
            if (t != null) {
                list.add(t);
            }
        }
        return list;
    }

    /** A push whose work fails stays claimed: it is tried again when its lease runs out. */
    private static <T> T guarded(PushQueue.Due due, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            LOG.warnf("Push for conversation %s failed (%s); it is retried after the lease", due.conversationId(),
                    e.getClass().getSimpleName());
            return null;
        }
    }

    /** The notifications for a claimed push, or null when it is settled without sending. */
    private Ready prepare(PushQueue.Due due) {
        Instant now = Times.now(clock);
        if (!notifier.enabled()) {
            metrics.skipped("disabled");
            await(queue.settle(due, now));
            return null;
        }
        PushQueue.Target target = await(queue.resolve(due));
        if (target == null || target.reached() >= due.seq()) {
            metrics.skipped(target == null ? "gone" : "delivered");
            await(queue.settle(due, now));
            return null;
        }
        List<PushQueue.Recipient> recipients = new ArrayList<>();
        List<PushNotifier.Notification> notifications = new ArrayList<>();
        prepare(due, target, recipients, notifications);
        if (notifications.isEmpty()) {
            metrics.skipped("no-devices");
            await(queue.settle(due, now));
            return null;
        }
        metrics.lag(Duration.between(due.pendingSince(), clock.instant()));
        return new Ready(due, recipients, notifications);
    }

    /** One notification per device that still has a readable token; the others are forgotten. */
    private void prepare(PushQueue.Due due, PushQueue.Target target, List<PushQueue.Recipient> recipients,
            List<PushNotifier.Notification> notifications) {
        TenantKeys tenantKeys = await(keys.tenant(target.tenantId()));
        String body = due.side() == PushQueue.Side.citizen
                ? PushTexts.forCitizen(target.unitName(), target.showUnitName())
                : PushTexts.forStaff();
        String collapseKey = due.conversationId().toString();
        Map<String, String> data = Map.of("conversationId", collapseKey, "seq", Long.toString(due.seq()));
        for (PushQueue.Recipient r : target.recipients()) {
            PushToken token;
            try {
                token = new PushToken(
                        tenantKeys.open(Devices.binding(target.tenantId(), r.deviceId()), r.tokenSealed()));
            } catch (Unreadable | IllegalArgumentException e) {
                await(devices.forget(r.deviceId(), "unreadable"));
                continue;
            }
            recipients.add(r);
            notifications.add(new PushNotifier.Notification(token, r.platform(), PushTexts.TITLE, body, collapseKey,
                    data, r.badge(), config.ttl()));
        }
    }

    private void settle(PushQueue.Due due, List<PushQueue.Recipient> recipients, List<PushNotifier.Outcome> outcomes) {
        Instant now = Times.now(clock);
        int sent = 0;
        String retryReason = null;
        Duration retryAfter = null;
        String failure = null;
        for (int i = 0; i < outcomes.size(); i++) {
            PushNotifier.Outcome o = outcomes.get(i);
            if (o instanceof PushNotifier.Outcome.Sent) {
                sent++;
            } else if (o instanceof PushNotifier.Outcome.TokenInvalid t) {
                await(devices.forget(recipients.get(i).deviceId(), t.reason()));
            } else if (o instanceof PushNotifier.Outcome.Retry r) {
                retryReason = r.reason();
                if (r.retryAfter() != null && (retryAfter == null || r.retryAfter().compareTo(retryAfter) > 0)) {
                    retryAfter = r.retryAfter();
                }
            } else if (o instanceof PushNotifier.Outcome.Failed f) {
                failure = f.reason();
            }
        }
        metrics.sent(sent);
        int attempts = due.attempts() + 1;
        if (retryReason != null && attempts < config.maxAttempts()) {
            // the whole push again: devices that got it already get the same collapse key, which replaces it
            Duration delay = backoff.delay(attempts, retryAfter);
            metrics.retried(retryReason);
            LOG.debugf("Push for conversation %s seq %d: attempt %d got %s; next in %d ms", due.conversationId(),
                    due.seq(), attempts, retryReason, delay.toMillis());
            await(queue.retryAt(due, now.plus(delay)));
            return;
        }
        String givenUp = retryReason != null ? retryReason : failure;
        if (givenUp != null) {
            metrics.failed(givenUp);
            LOG.warnf("Push for conversation %s seq %d failed after %d attempts: %s", due.conversationId(), due.seq(),
                    attempts, givenUp);
            await(queue.fail(due, givenUp, attempts, now));
            return;
        }
        LOG.debugf("Push for conversation %s seq %d: %d sent", due.conversationId(), due.seq(), sent);
        await(queue.settle(due, now));
    }

    private static <T> T await(io.smallrye.mutiny.Uni<T> uni) {
        return uni.await().atMost(DB_TIMEOUT);
    }
}
