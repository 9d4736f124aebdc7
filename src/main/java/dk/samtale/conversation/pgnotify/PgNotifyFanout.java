package dk.samtale.conversation.pgnotify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.Fanout;
import dk.samtale.conversation.Message;
import dk.samtale.conversation.MessageLookup;
import dk.samtale.conversation.Route;
import dk.samtale.identity.Actor;
import dk.samtale.platform.SerialQueue;

/**
 * {@link Fanout} over PostgreSQL LISTEN/NOTIFY: PostgreSQL is the only shared state, so replicas find
 * each other's sockets through it.
 *
 * <p>
 * NOTIFY runs after commit, outside the message transaction (inside it, it would serialise all
 * commits), and is coalesced: while one NOTIFY is in flight, further events queue and go out together
 * in the next one. Payloads carry ids only — never message text — and receivers load the messages in
 * one query per notification. Events published here reach local subscribers at once.
 */
@ApplicationScoped
public class PgNotifyFanout implements Fanout {

    private static final Logger LOG = Logger.getLogger(PgNotifyFanout.class);
    static final String CHANNEL = "samtale_events";
    /** PostgreSQL's limit is 8000 bytes; leave room for the envelope. */
    private static final int MAX_PAYLOAD = 7000;

    /**
     * One event on the wire. t: m message, r read, d delivered, y typing, c changed, x a feature's own event
     * (k its type, au its audience, f its fields) — so a feature adds event kinds without this format
     * changing.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Wire(String t, UUID tn, UUID u, UUID ci, UUID c, UUID m, String ak, UUID a, Long s, String k, String au,
            Map<String, Object> f, String an) {
        Wire(String t, UUID tn, UUID u, UUID ci, UUID c, UUID m, String ak, UUID a, Long s) {
            this(t, tn, u, ci, c, m, ak, a, s, null, null, null, null);
        }
    }

    record Envelope(UUID o, List<Wire> e) {
    }

    private final UUID replica = UUID.randomUUID();
    private final List<Consumer<ConversationEvent>> subscribers = new CopyOnWriteArrayList<>();
    /** Events to notify, each already encoded as JSON (once, at publish). */
    private final Queue<String> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final SerialQueue inbound = new SerialQueue();
    private final Pool pool;
    private final Vertx vertx;
    private final MessageLookup messages;
    private final ObjectMapper json;
    private final PgConnectOptions listenOptions;
    private final Counter notifies;
    private PgSubscriber subscriber;

    PgNotifyFanout(Pool pool, Vertx vertx, MessageLookup messages, ObjectMapper json, MeterRegistry metrics,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") java.util.Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") java.util.Optional<String> password) {
        this.pool = pool;
        this.vertx = vertx;
        this.messages = messages;
        this.json = json;
        this.listenOptions = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(listenOptions::setUser);
        password.ifPresent(listenOptions::setPassword);
        this.notifies = Counter.builder("samtale.fanout.notifies").description("NOTIFY statements sent")
                .register(metrics);
    }

    void listen(@Observes StartupEvent start) {
        subscriber = PgSubscriber.subscriber(vertx, listenOptions)
                // retry forever: a replica without LISTEN still serves, and clients heal by resuming
                .reconnectPolicy(retries -> 1000L);
        subscriber.closeHandler(() -> LOG.warn("Fan-out LISTEN connection closed; reconnecting"));
        subscriber.channel(CHANNEL).handler(this::received);
        subscriber.connect().subscribe().with(
                ok -> LOG.infof("Fan-out listening on PostgreSQL channel %s", CHANNEL),
                e -> LOG.errorf("Fan-out could not LISTEN yet (%s); retrying", e.getClass().getSimpleName()));
    }

    /** Whether this replica hears the other replicas right now (for the readiness check). */
    public boolean listening() {
        return subscriber != null && !subscriber.closed() && subscriber.actualConnection() != null;
    }

    @PreDestroy
    void stop() {
        if (subscriber != null) {
            subscriber.closeAndAwait();
        }
    }

    @Override
    public void subscribe(Consumer<ConversationEvent> s) {
        subscribers.add(s);
    }

    @Override
    public void publish(ConversationEvent event) {
        deliver(event);
        outbox.add(encode(wire(event)));
        flush();
    }

    private void flush() {
        if (outbox.isEmpty() || !flushing.compareAndSet(false, true)) {
            return;
        }
        List<String> payloads = drain();
        Uni<Void> all = Uni.createFrom().voidItem();
        for (String p : payloads) {
            all = all.flatMap(x -> pool.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, p))
                    .invoke(() -> notifies.increment()).replaceWithVoid());
        }
        all.subscribe().with(ok -> flushed(), e -> {
            LOG.warnf("NOTIFY failed (%s): other replicas' clients will catch up on resume",
                    e.getClass().getSimpleName());
            flushed();
        });
    }

    private void flushed() {
        flushing.set(false);
        flush(); // whatever queued meanwhile goes out in one more NOTIFY
    }

    /** The queued events as as few payloads as fit PostgreSQL's limit: an Envelope, joined by hand. */
    private List<String> drain() {
        List<String> payloads = new ArrayList<>();
        String head = "{\"o\":\"" + replica + "\",\"e\":[";
        StringBuilder batch = new StringBuilder(head);
        String w;
        while ((w = outbox.poll()) != null) {
            if (batch.length() > head.length() && batch.length() + 1 + w.length() + 2 > MAX_PAYLOAD) {
                payloads.add(batch.append("]}").toString());
                batch = new StringBuilder(head);
            }
            if (batch.length() > head.length()) {
                batch.append(',');
            }
            batch.append(w);
        }
        if (batch.length() > head.length()) {
            payloads.add(batch.append("]}").toString());
        }
        return payloads;
    }

    private String encode(Wire wire) {
        try {
            return json.writeValueAsString(wire);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void received(String payload) {
        Envelope envelope;
        try {
            envelope = json.readValue(payload.getBytes(StandardCharsets.UTF_8), Envelope.class);
        } catch (Exception e) {
            LOG.warn("Ignoring a fan-out notification that is not ours");
            return;
        }
        if (replica.equals(envelope.o())) {
            return; // published here: already delivered locally
        }
        // one notification at a time, so events reach subscribers in the order they were notified
        inbound.submit(() -> resolve(envelope.e()).invoke(events -> events.forEach(this::deliver))
                .subscribeAsCompletionStage());
    }

    private Uni<List<ConversationEvent>> resolve(List<Wire> wires) {
        List<UUID> ids = wires.stream().filter(w -> w.t().equals("m")).map(Wire::m).toList();
        Uni<Map<UUID, Message>> loaded = ids.isEmpty()
                ? Uni.createFrom().item(Map.of())
                : messages.byIds(ids).map(list -> list.stream().collect(Collectors.toMap(Message::id,
                        Function.identity())));
        return loaded.map(byId -> {
            List<ConversationEvent> events = new ArrayList<>(wires.size());
            for (Wire w : wires) {
                ConversationEvent e = event(w, byId);
                if (e != null) {
                    events.add(e);
                }
            }
            return events;
        });
    }

    private void deliver(ConversationEvent event) {
        for (Consumer<ConversationEvent> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                LOG.warnf(e, "fan-out subscriber failed");
            }
        }
    }

    private static Wire wire(ConversationEvent event) {
        Route r = event.route();
        if (event instanceof ConversationEvent.MessagePosted p) {
            return new Wire("m", r.tenantId(), r.unitId(), r.citizenId(), r.conversationId(), p.message().id(), null,
                    null, p.message().seq());
        }
        if (event instanceof ConversationEvent.CursorMoved m) {
            // an: a staff actor's display name, from the token of the socket that sent the frame (no lookup on
            // either side); citizens' names never go into the notification queue (MessageService.signalActor)
            return new Wire(m.cursor() == ConversationEvent.Cursor.read ? "r" : "d", r.tenantId(), r.unitId(),
                    r.citizenId(), r.conversationId(), null, m.reader().kind().name(), m.reader().id(), m.seq(), null,
                    null, null, m.reader().name());
        }
        if (event instanceof ConversationEvent.Typing t) {
            return new Wire("y", r.tenantId(), r.unitId(), r.citizenId(), r.conversationId(), null,
                    t.sender().kind().name(), t.sender().id(), null, null, null, null, t.sender().name());
        }
        if (event instanceof ConversationEvent.FeatureEvent f) {
            return new Wire("x", r.tenantId(), r.unitId(), r.citizenId(), r.conversationId(), null, null, null, null,
                    f.type(), f.audience().name(), f.fields(), null);
        }
        return new Wire("c", r.tenantId(), r.unitId(), r.citizenId(), r.conversationId(), null, null, null, null);
    }

    private static ConversationEvent event(Wire w, Map<UUID, Message> messages) {
        Route route = new Route(w.tn(), w.u(), w.ci(), w.c());
        return switch (w.t()) {
            case "m" -> messages.containsKey(w.m())
                    ? new ConversationEvent.MessagePosted(route, messages.get(w.m()))
                    : null;
            case "r", "d" -> new ConversationEvent.CursorMoved(route, actor(w),
                    w.t().equals("r") ? ConversationEvent.Cursor.read : ConversationEvent.Cursor.delivered, w.s());
            case "y" -> new ConversationEvent.Typing(route, actor(w));
            case "c" -> new ConversationEvent.Changed(route);
            case "x" -> new ConversationEvent.FeatureEvent(route, w.k(), ConversationEvent.Audience.valueOf(w.au()),
                    w.f() == null ? Map.of() : w.f());
            default -> null;
        };
    }

    private static Actor actor(Wire w) {
        return new Actor(Actor.ActorKind.valueOf(w.ak()), w.a(), w.an());
    }
}
