package dk.samtale.chat;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

import dk.samtale.conversation.Ack;
import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.ConversationService;
import dk.samtale.conversation.EventDetail;
import dk.samtale.conversation.Message;
import dk.samtale.conversation.MessageService;
import dk.samtale.identity.Caller;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.RateLimiter;
import dk.samtale.platform.SerialQueue;

/**
 * One open socket: who is on it and what it has been sent. Everything sent to the socket goes through
 * one queue, so for each conversation message frames leave in seq order with no gap and no duplicate:
 * an event behind what was sent is dropped, one ahead of it is preceded by the missing messages from
 * the database. The ack of a send takes the place of the sender's own message frame.
 */
final class ChatConnection {

    private static final Logger LOG = Logger.getLogger(ChatConnection.class);
    static final int RESUME_BATCH = 500;
    /** A client that has had no frame refused for this long has backed off: its row of refusals ends. */
    static final long BACK_OFF_MILLIS = 1000;

    private final WebSocketConnection socket;
    private final Caller caller;
    private final MessageService messages;
    private final ConversationService conversations;
    private final ObjectMapper json;
    /** The caller's frame budget, shared by all of the caller's sockets (identity.WriteLimits). */
    private final RateLimiter limiter;
    private final SerialQueue out = new SerialQueue();
    /**
     * Per conversation, the highest seq sent as a message or ack frame. Touched only in the queue; made on
     * the first frame, so an idle socket does not carry an empty map.
     */
    private Map<UUID, Long> lastSent;
    /** Sends stored but not yet acknowledged: clientMessageId → the frame's ref. */
    private final Map<String, String> pendingAcks = new ConcurrentHashMap<>();
    private final Clock clock;
    private int refusedInARow;
    private long lastRefusedAt;
    private volatile long expiryTimer = -1;
    private final DeliveryMetrics metrics;
    private final Map<String, EventDetail> details;

    ChatConnection(WebSocketConnection socket, Caller caller, MessageService messages,
            ConversationService conversations, ObjectMapper json, RateLimiter limiter, Clock clock,
            DeliveryMetrics metrics, Map<String, EventDetail> details) {
        this.metrics = metrics;
        this.details = details;
        this.socket = socket;
        this.caller = caller;
        this.messages = messages;
        this.conversations = conversations;
        this.json = json;
        this.limiter = limiter;
        this.clock = clock;
    }

    Caller caller() {
        return caller;
    }

    String id() {
        return socket.id();
    }

    /**
     * Takes a token for one inbound frame; false when the client is over its rate. Refusals count as
     * "in a row" until the client backs off for {@link #BACK_OFF_MILLIS} (the least retryAfterSeconds):
     * a flooding client gets a frame through whenever the bucket refills, and that must not restart
     * the count, or flooding at any rate below a few thousand frames per second would never end.
     */
    synchronized boolean admit() {
        long now = clock.millis();
        boolean admitted;
        synchronized (limiter) { // shared with the caller's other sockets, on other event loops
            admitted = limiter.tryAcquire();
        }
        if (admitted) {
            if (now - lastRefusedAt >= BACK_OFF_MILLIS) {
                refusedInARow = 0;
            }
            return true;
        }
        refusedInARow++;
        lastRefusedAt = now;
        return false;
    }

    synchronized int refusedInARow() {
        return refusedInARow;
    }

    int retryAfterSeconds() {
        synchronized (limiter) {
            return limiter.retryAfterSeconds();
        }
    }

    long expiryTimer() {
        return expiryTimer;
    }

    void expiryTimer(long timer) {
        this.expiryTimer = timer;
    }

    void sendFailed(String clientMessageId) {
        pendingAcks.remove(clientMessageId);
    }

    void expectAck(String clientMessageId, String ref) {
        pendingAcks.put(clientMessageId, ref == null ? "" : ref);
    }

    /** The send finished: ack it unless the message event already did (a repeat creates no event). */
    void acknowledged(Ack ack) {
        out.submit(() -> {
            String ref = pendingAcks.remove(ack.clientMessageId());
            return ref == null ? done() : send(new ServerFrame.AckFrame(emptyToNull(ref), ack));
        });
    }

    /** Closes with 1001 "going away" after everything already queued for this socket has been sent. */
    CompletableFuture<Void> goAway() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        out.submit(() -> socket.close(new io.quarkus.websockets.next.CloseReason(1001, "server shutting down"))
                .subscribeAsCompletionStage().whenComplete((x, e) -> closed.complete(null)));
        return closed;
    }

    void sendNow(ServerFrame frame) {
        out.submit(() -> send(frame));
    }

    void failed(String ref, ProblemException p, UUID conversationId) {
        sendNow(new ServerFrame.Error(ref, p.code().code(), p.getMessage(), conversationId, p.retryAfterSeconds()));
    }

    void on(ConversationEvent event) {
        out.submit(() -> now(event));
    }

    /**
     * As {@link #on}, once {@code mine} says this socket is a recipient (the conversation's parties were not
     * cached yet): the decision waits in this socket's queue, so the frame keeps its place among the others.
     */
    void onWhen(ConversationEvent event, CompletionStage<Boolean> mine) {
        out.submit(() -> mine.exceptionally(e -> false).thenCompose(
                m -> m ? now(event).thenApply(x -> (Object) null) : CompletableFuture.completedFuture(null)));
    }

    private CompletionStage<?> now(ConversationEvent event) {
        if (event instanceof ConversationEvent.MessagePosted p) {
            return inOrder(p.message());
        } else if (event instanceof ConversationEvent.CursorMoved m) {
            return send(new ServerFrame.Receipt(m.cursor().name(), m.route().conversationId(), m.reader(), m.seq()));
        } else if (event instanceof ConversationEvent.Typing t) {
            return t.sender().id().equals(caller.id())
                    ? done()
                    : send(new ServerFrame.TypingNotice(t.route().conversationId(), t.sender()));
        } else if (event instanceof ConversationEvent.Changed c) {
            return conversations.get(caller, c.route().conversationId())
                    .onFailure(ProblemException.class).recoverWithNull()
                    .flatMap(v -> v == null
                            ? Uni.createFrom().voidItem()
                            : uni(send(new ServerFrame.ConversationFrame(v))))
                    .subscribeAsCompletionStage();
        } else if (event instanceof ConversationEvent.FeatureEvent f) {
            return feature(f);
        }
        return done();
    }

    /**
     * A feature's own event, as its frame: {@code type}, then the fields its feature's {@link EventDetail}
     * loads for this reader, or else {@code conversationId} and the event's fields. Staff-only events never
     * reach a citizen's socket (and the detail checks again).
     */
    private CompletionStage<?> feature(ConversationEvent.FeatureEvent f) {
        if (f.audience() == ConversationEvent.Audience.staff && !caller.isStaff()) {
            return done();
        }
        EventDetail detail = details.get(f.type());
        if (detail == null) {
            Map<String, Object> frame = new java.util.LinkedHashMap<>();
            frame.put("type", f.type());
            frame.put("conversationId", f.route().conversationId());
            frame.putAll(f.fields());
            return send(new ServerFrame.FeatureFrame(frame));
        }
        return detail.load(caller, f).onFailure().recoverWithNull()
                .flatMap(fields -> {
                    if (fields == null) {
                        return Uni.createFrom().voidItem();
                    }
                    Map<String, Object> frame = new java.util.LinkedHashMap<>();
                    frame.put("type", f.type());
                    frame.putAll(fields);
                    return uni(send(new ServerFrame.FeatureFrame(frame)));
                })
                .subscribeAsCompletionStage();
    }

    /** Sends what the client missed after each cursor, then {@code synced}. */
    void resume(ClientFrame.Resume frame) {
        out.submit(() -> {
            List<ServerFrame.Synced.Cursor> result = new java.util.ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (ClientFrame.Resume.Cursor c : frame.conversations()) {
                chain = chain.flatMap(x -> messages.since(caller, c.conversationId(), c.afterSeq(), RESUME_BATCH)
                        .flatMap(list -> {
                            lastSent().put(c.conversationId(), c.afterSeq());
                            long last = list.isEmpty() ? c.afterSeq() : list.get(list.size() - 1).seq();
                            result.add(new ServerFrame.Synced.Cursor(c.conversationId(), last,
                                    list.size() < RESUME_BATCH));
                            return emitAll(list, false);
                        })
                        .onFailure(ProblemException.class).recoverWithUni(e -> uni(send(new ServerFrame.Error(
                                frame.id(), ((ProblemException) e).code().code(), e.getMessage(), c.conversationId(),
                                null)))));
            }
            return chain.flatMap(x -> uni(send(new ServerFrame.Synced(frame.id(), result))))
                    .subscribeAsCompletionStage();
        });
    }

    private CompletionStage<?> inOrder(Message m) {
        Long last = lastSent().get(m.conversationId());
        if (last != null && m.seq() <= last) {
            return done(); // already sent (a repeat, or it came with a gap fill)
        }
        if (last == null || m.seq() == last + 1) {
            return emit(m, true);
        }
        // a gap: this socket missed notifications; fetch what lies between from the database
        int missing = (int) Math.min(m.seq() - last - 1, RESUME_BATCH);
        return messages.since(caller, m.conversationId(), last, missing)
                .flatMap(list -> emitAll(list, true))
                .flatMap(x -> uni(inOrderAfterFill(m)))
                .subscribeAsCompletionStage();
    }

    private CompletionStage<?> inOrderAfterFill(Message m) {
        Long last = lastSent().get(m.conversationId());
        return last != null && m.seq() <= last ? done() : emit(m, true);
    }

    private Uni<Void> emitAll(List<Message> list, boolean live) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Message m : list) {
            chain = chain.flatMap(x -> uni(emit(m, live)));
        }
        return chain;
    }

    private CompletionStage<?> emit(Message m, boolean live) {
        lastSent().merge(m.conversationId(), m.seq(), Math::max);
        if (caller.id().equals(m.sender().id())) {
            String ref = pendingAcks.remove(m.clientMessageId());
            if (ref != null) {
                return send(new ServerFrame.AckFrame(emptyToNull(ref), m.ack()));
            }
        }
        if (live) {
            metrics.live(m);
        } else {
            metrics.replayed();
        }
        // citizens never see SMS delivery state
        return send(new ServerFrame.MessageFrame(m.visibleTo(caller.isStaff())));
    }

    private CompletionStage<?> send(ServerFrame frame) {
        if (!socket.isOpen()) {
            return done();
        }
        try {
            return socket.sendText(json.writeValueAsString(frame)).subscribeAsCompletionStage();
        } catch (JsonProcessingException e) {
            LOG.errorf("could not encode a %s frame", frame.type());
            return done();
        }
    }

    private Map<UUID, Long> lastSent() {
        if (lastSent == null) {
            lastSent = new HashMap<>();
        }
        return lastSent;
    }

    private static Uni<Void> uni(CompletionStage<?> stage) {
        return Uni.createFrom().completionStage(stage).replaceWithVoid();
    }

    private static CompletionStage<?> done() {
        return CompletableFuture.completedFuture(null);
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
