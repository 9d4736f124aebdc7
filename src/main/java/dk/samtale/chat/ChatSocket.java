package dk.samtale.chat;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.ConversationService;
import dk.samtale.conversation.Message;
import dk.samtale.conversation.MessageRevisions;
import dk.samtale.conversation.MessageService;
import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerKind;
import dk.samtale.identity.CallerResolver;
import dk.samtale.identity.WriteLimits;
import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;

/**
 * The real-time endpoint for citizens' apps and the staff inbox. Authenticated on the HTTP upgrade
 * (Authorization header, or the bearer-token-carrier subprotocol from browsers); a token is never
 * accepted in the URL. Frames are parsed, delegated and answered; the contract is asyncapi.yaml.
 */
@WebSocket(path = ChatSocket.PATH)
public class ChatSocket {

    static final String PATH = "/api/v1/chat";
    private static final Logger LOG = Logger.getLogger(ChatSocket.class);
    /** Per caller, across all of the caller's sockets (identity.WriteLimits: per replica, and why). */
    static final int FRAMES_PER_SECOND = WriteLimits.FRAMES_PER_SECOND;
    static final int BURST = WriteLimits.FRAME_BURST;
    /**
     * Frames refused in a row (over the rate) before the socket is closed with 1008. The row ends only
     * when the client pauses (see {@link ChatConnection#admit()}), not at each frame the refilling
     * bucket lets through.
     */
    static final int MAX_REFUSED_IN_A_ROW = 200;
    static final short CLOSE_TOKEN_EXPIRED = 4001;
    static final short CLOSE_POLICY_VIOLATION = 1008;
    static final short CLOSE_GOING_AWAY = 1001;
    static final short CLOSE_MESSAGE_TOO_BIG = 1009;
    static final short CLOSE_UNSUPPORTED_DATA = 1003;
    static final short CLOSE_INVALID_PAYLOAD = 1007;
    static final int MAX_MESSAGE_BYTES = 65536;

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final WriteLimits limits;
    private final ChatRegistry registry;
    private final MessageService messages;
    private final ConversationService conversations;
    private final ObjectMapper json;
    private final Clock clock;
    private final Vertx vertx;
    private final Counter framesIn;
    private final DeliveryMetrics deliveryMetrics;
    private final java.util.Map<String, dk.samtale.conversation.EventDetail> details;
    private final MessageRevisions revisions;

    ChatSocket(SecurityIdentity identity, CallerResolver callers, WriteLimits limits, ChatRegistry registry,
            MessageService messages,
            ConversationService conversations, ObjectMapper json, Clock clock, Vertx vertx, MeterRegistry metrics,
            jakarta.enterprise.inject.Instance<dk.samtale.conversation.EventDetail> details,
            MessageRevisions revisions) {
        this.revisions = revisions;
        // one map for every socket: the features that detail their own events (e.g. the inbox's notes)
        this.details = details.stream().collect(java.util.stream.Collectors
                .toUnmodifiableMap(dk.samtale.conversation.EventDetail::type, d -> d));
        this.identity = identity;
        this.callers = callers;
        this.limits = limits;
        this.registry = registry;
        this.messages = messages;
        this.conversations = conversations;
        this.json = json;
        this.clock = clock;
        this.vertx = vertx;
        this.framesIn = Counter.builder("samtale.socket.frames.received").register(metrics);
        this.deliveryMetrics = DeliveryMetrics.register(metrics, clock);
    }

    @OnOpen
    Uni<Void> open(WebSocketConnection socket) {
        Utf8Frames.watch(socket, () -> socket.close(new CloseReason(CLOSE_INVALID_PAYLOAD, "text frames must be UTF-8"))
                .subscribe().with(x -> {
                }, e -> LOG.debugf("close 1007 failed on %s", socket.id())));
        if (registry.draining()) {
            return socket.close(new CloseReason(CLOSE_GOING_AWAY, "server shutting down"));
        }
        return callers.resolve(identity).flatMap(caller -> {
            if (caller.kind() == CallerKind.service) { // refused with 403 on the upgrade; never reaches here
                return socket.close(new CloseReason(CLOSE_POLICY_VIOLATION, "service clients use the REST API"));
            }
            ChatConnection c = new ChatConnection(socket, caller, messages, conversations, json,
                    limits.frames(caller), clock, deliveryMetrics, details);
            registry.add(c);
            closeWhenTokenExpires(socket, c);
            c.sendNow(new ServerFrame.Hello(socket.id(), caller.actor(),
                    new ServerFrame.Limits(MessageService.MAX_BODY, MAX_MESSAGE_BYTES, FRAMES_PER_SECOND)));
            return Uni.createFrom().voidItem();
        });
    }

    @OnTextMessage
    Uni<Void> frame(String text, WebSocketConnection socket) {
        ChatConnection c = registry.get(socket.id());
        if (c == null || registry.draining() || socket.isClosed()) {
            // closing (also after 1007 for bytes that are not UTF-8): the client resends unacked frames elsewhere
            return Uni.createFrom().voidItem();
        }
        framesIn.increment();
        if (!c.admit()) {
            if (c.refusedInARow() > MAX_REFUSED_IN_A_ROW) {
                LOG.infof("closing socket %s: persistent flooding", socket.id());
                return socket.close(new CloseReason(CLOSE_POLICY_VIOLATION, "rate limit"));
            }
            // the ref tells the client which frame was dropped (a dropped send must be retried)
            c.failed(refOf(text),
                    new ProblemException(ErrorCode.RATE_LIMITED, "Too many frames; slow down", java.util.List.of(),
                            c.retryAfterSeconds()),
                    null);
            return Uni.createFrom().voidItem();
        }
        ClientFrame frame;
        try {
            frame = ClientFrame.parse(read(text));
        } catch (ClientFrame.Invalid e) {
            c.failed(e.ref, e.problem, null);
            return Uni.createFrom().voidItem();
        }
        handle(c, frame);
        return Uni.createFrom().voidItem();
    }

    /** RFC 6455 §7.4.1: 1003 for data of a type the endpoint cannot accept; this protocol is text only. */
    @OnBinaryMessage
    Uni<Void> binary(io.vertx.core.buffer.Buffer ignored, WebSocketConnection socket) {
        return socket.close(new CloseReason(CLOSE_UNSUPPORTED_DATA, "text frames only"));
    }

    @OnClose
    void close(WebSocketConnection socket) {
        ChatConnection c = registry.remove(socket.id());
        if (c != null) {
            vertx.cancelTimer(c.expiryTimer());
        }
    }

    private void handle(ChatConnection c, ClientFrame frame) {
        Caller caller = c.caller();
        if (frame instanceof ClientFrame.Send s) {
            c.expectAck(s.clientMessageId(), s.id());
            registry.sendStarted();
            run(c, s, s.conversationId(), () -> messages.post(caller, s.conversationId(), s.clientMessageId(), s.body(),
                    caller.isStaff() ? Message.Channel.web : Message.Channel.app, s.smsAllowed(), s.attachmentIds())
                    .invoke(posted -> c.acknowledged(posted.ack())), registry::sendFinished);
        } else if (frame instanceof ClientFrame.Read r) {
            run(c, r, r.conversationId(), () -> messages.moveCursor(caller, r.conversationId(),
                    ConversationEvent.Cursor.read, r.seq()), null);
        } else if (frame instanceof ClientFrame.Delivered d) {
            run(c, d, d.conversationId(), () -> messages.moveCursor(caller, d.conversationId(),
                    ConversationEvent.Cursor.delivered, d.seq()), null);
        } else if (frame instanceof ClientFrame.Typing t) {
            run(c, t, t.conversationId(), () -> messages.typing(caller, t.conversationId()), null);
        } else if (frame instanceof ClientFrame.Resume r) {
            c.resume(r);
        } else if (frame instanceof ClientFrame.Ping p) {
            c.sendNow(new ServerFrame.Pong(p.id()));
        } else if (frame instanceof ClientFrame.Retract r) {
            // answered on this socket with ref; the conversation's other sockets get the frame without it
            run(c, r, r.conversationId(), () -> revisions.retract(caller, r.conversationId(), r.messageId())
                    .invoke(done -> c.sendNow(ServerFrame.feature(MessageRevisions.RETRACTED, r.id(),
                            r.conversationId(), MessageRevisions.fields(done)))),
                    null);
        } else if (frame instanceof ClientFrame.Correct k) {
            run(c, k, k.conversationId(), () -> revisions.correct(caller, k.conversationId(), k.messageId(),
                    k.body(), k.reason())
                    .invoke(m -> c.sendNow(ServerFrame.feature(MessageRevisions.CORRECTED, k.id(), k.conversationId(),
                            java.util.Map.of("message", m)))),
                    null);
        }
    }

    /**
     * Runs one operation; its failure becomes an error frame, and the socket stays open. {@code always}
     * runs when it is over, however it ended (validation may fail before the operation starts).
     */
    private void run(ChatConnection c, ClientFrame frame, UUID conversationId,
            java.util.function.Supplier<Uni<?>> operation, Runnable always) {
        Uni.createFrom().deferred(operation).onTermination().invoke(() -> {
            if (always != null) {
                always.run();
            }
        }).subscribe().with(ok -> {
        }, e -> {
            ProblemException p = e instanceof ProblemException pe
                    ? pe
                    : new ProblemException(ErrorCode.INTERNAL_ERROR, "The frame could not be processed; retry later");
            if (!(e instanceof ProblemException)) {
                LOG.errorf(e, "frame of type %s failed on socket %s", frame.getClass().getSimpleName(), c.id());
            }
            if (frame instanceof ClientFrame.Send s) {
                c.sendFailed(s.clientMessageId());
            }
            c.failed(frame.id(), p, conversationId);
        });
    }

    /**
     * A text message over quarkus.websockets-next.server.max-message-size (64 KiB): Vert.x drops it and
     * reports it here, with the socket still open; the contract says close with 1009. (A single frame
     * over max-frame-size is refused by Netty, which drops the connection without a close frame.)
     */
    @OnError
    Uni<Void> failed(IllegalStateException e, WebSocketConnection socket) {
        if (e.getMessage() != null && e.getMessage().contains("max message size")) {
            LOG.debugf("closing socket %s: message over %d bytes", socket.id(), MAX_MESSAGE_BYTES);
            return socket.close(new CloseReason(CLOSE_MESSAGE_TOO_BIG, "frame too big"));
        }
        return Uni.createFrom().failure(e);
    }

    private String refOf(String text) {
        try {
            return ClientFrame.idOf(json.readTree(text));
        } catch (Exception e) {
            return null;
        }
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new ClientFrame.Invalid(null,
                    new ProblemException(ErrorCode.MALFORMED_JSON, "The frame is not valid JSON"));
        }
    }

    private void closeWhenTokenExpires(WebSocketConnection socket, ChatConnection c) {
        long delay = Math.max(1, Duration.between(clock.instant(), c.caller().expiresAt()).toMillis());
        c.expiryTimer(vertx.setTimer(delay, t -> {
            if (socket.isOpen()) {
                // 4001: the client gets a fresh token, reconnects and resumes
                socket.close(new CloseReason(CLOSE_TOKEN_EXPIRED, "token expired")).subscribe().with(x -> {
                }, e -> LOG.debugf("close after token expiry failed on %s", socket.id()));
            }
        }));
    }
}
