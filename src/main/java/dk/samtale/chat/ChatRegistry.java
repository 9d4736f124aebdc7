package dk.samtale.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.StartupEvent;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.Fanout;
import dk.samtale.conversation.Parties;

/**
 * The sockets open on this replica, indexed the way events are routed: by citizen and by unit. A
 * conversation's events go to its citizen's sockets and to the sockets of its unit's staff.
 */
@ApplicationScoped
class ChatRegistry {

    private static final Logger LOG = Logger.getLogger(ChatRegistry.class);
    /** How long a shutdown waits for sends already being stored. */
    static final long DRAIN_MILLIS = 5_000;

    private final Map<String, ChatConnection> byId = new ConcurrentHashMap<>();
    /**
     * A citizen has one socket, rarely two: an array replaced on change costs 16-24 bytes per citizen where
     * a concurrent set cost about 200 (a map, its table and a node) for every idle socket.
     */
    private final Map<UUID, ChatConnection[]> byCitizen = new ConcurrentHashMap<>();
    private final Map<UUID, Set<ChatConnection>> byUnit = new ConcurrentHashMap<>();
    /** A guardian's sockets by the child they are a guardian of now (as found when the socket opened). */
    private final Map<UUID, Set<ChatConnection>> byWard = new ConcurrentHashMap<>();
    private final Fanout fanout;
    private final Parties parties;
    private final AtomicInteger sendsInFlight = new AtomicInteger();
    private volatile boolean draining;

    ChatRegistry(Fanout fanout, MeterRegistry metrics, Parties parties) {
        this.fanout = fanout;
        this.parties = parties;
        Gauge.builder("samtale.sockets.open", byId, Map::size).description("WebSocket connections open on this replica")
                .register(metrics);
    }

    void start(@Observes StartupEvent start) {
        fanout.subscribe(this::route);
    }

    /**
     * On SIGTERM, in Quarkus' shutdown delay — readiness already reports DOWN and the HTTP server still
     * runs (a plain ShutdownEvent comes after the sockets are gone): take no more
     * frames, let sends already being stored finish and get their acks, then close every socket with
     * 1001 so clients reconnect, to another replica, and resume.
     */
    void drain(@Observes ShutdownDelayInitiatedEvent shutdown) {
        draining = true;
        long deadline = System.currentTimeMillis() + DRAIN_MILLIS;
        while (sendsInFlight.get() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int open = byId.size();
        CompletableFuture<?>[] closing = byId.values().stream().map(ChatConnection::goAway)
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closing).get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("not every socket closed cleanly on shutdown (%s)", e.getClass().getSimpleName());
        }
        LOG.infof("Shutdown: closed %d sockets with 1001, %d sends still in flight", open, sendsInFlight.get());
    }

    boolean draining() {
        return draining;
    }

    void sendStarted() {
        sendsInFlight.incrementAndGet();
    }

    void sendFinished() {
        sendsInFlight.decrementAndGet();
    }

    void add(ChatConnection c) {
        byId.put(c.id(), c);
        if (c.caller().isCitizen()) {
            byCitizen.merge(c.caller().id(), new ChatConnection[]{c}, ChatRegistry::with);
            // a guardian also gets the frames of their children's conversations that name them as parties
            parties.wards(c.caller()).subscribe().with(wards -> {
                if (byId.get(c.id()) == c) {
                    for (UUID ward : wards) {
                        byWard.computeIfAbsent(ward, k -> ConcurrentHashMap.newKeySet()).add(c);
                    }
                }
            }, failure -> LOG.warnf("a guardian's children not found (%s)", failure.getClass().getSimpleName()));
        } else {
            c.caller().unitIds().forEach(u -> byUnit.computeIfAbsent(u, k -> ConcurrentHashMap.newKeySet()).add(c));
        }
    }

    ChatConnection get(String connectionId) {
        return byId.get(connectionId);
    }

    ChatConnection remove(String connectionId) {
        ChatConnection c = byId.remove(connectionId);
        if (c == null) {
            return null;
        }
        if (c.caller().isCitizen()) {
            byCitizen.computeIfPresent(c.caller().id(), (k, sockets) -> without(sockets, c));
            if (!byWard.isEmpty()) {
                byWard.values().forEach(set -> set.remove(c));
                byWard.values().removeIf(Set::isEmpty);
            }
        } else {
            c.caller().unitIds().forEach(u -> byUnit.computeIfPresent(u, (k, set) -> {
                set.remove(c);
                return set.isEmpty() ? null : set;
            }));
        }
        return c;
    }

    private static ChatConnection[] with(ChatConnection[] sockets, ChatConnection[] added) {
        ChatConnection[] out = java.util.Arrays.copyOf(sockets, sockets.length + added.length);
        System.arraycopy(added, 0, out, sockets.length, added.length);
        return out;
    }

    /** The sockets without {@code c}; null (the entry goes) when none is left. */
    private static ChatConnection[] without(ChatConnection[] sockets, ChatConnection c) {
        ChatConnection[] out = java.util.Arrays.stream(sockets).filter(s -> s != c).toArray(ChatConnection[]::new);
        return out.length == 0 ? null : out;
    }

    private void route(ConversationEvent event) {
        UUID citizen = event.route().citizenId();
        ChatConnection[] own = byCitizen.get(citizen);
        Set<ChatConnection> guardians = byWard.get(citizen);
        if (own != null || guardians != null) {
            List<ChatConnection> candidates = new ArrayList<>();
            if (own != null) {
                candidates.addAll(List.of(own));
            }
            if (guardians != null) {
                candidates.addAll(guardians);
            }
            // the conversation's citizen — or, when guardians are its parties, they while the child is under 18
            // and never the child (Parties): at once when its parties are cached, else each socket waits for
            // them in its own queue, so no frame overtakes another
            List<UUID> known = parties.citizenRecipientsIfCached(event.route());
            if (known != null) {
                candidates.stream().filter(c -> known.contains(c.caller().id())).forEach(c -> c.on(event));
            } else {
                CompletableFuture<List<UUID>> ids = parties.citizenRecipients(event.route())
                        .subscribeAsCompletionStage();
                candidates.forEach(c -> c.onWhen(event, ids.thenApply(list -> list.contains(c.caller().id()))));
            }
        }
        Set<ChatConnection> staff = byUnit.get(event.route().unitId());
        if (staff != null) {
            staff.forEach(c -> c.on(event));
        }
    }
}
