package dk.samtale.conversation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

import dk.samtale.identity.Caller;
import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;

/**
 * Correcting what was sent. <b>Retract</b>: the sender (citizen or staff member, never anyone else) takes a
 * message back within {@link RevisionConfig#retractWindow()} while the other side has not read it; views
 * show it without its text from then on. <b>Correct</b> (berigtigelse): a staff member replaces the text of
 * their own message, at any time, with a reason; the citizen sees the new text marked as corrected, staff
 * also the original and the reason. Both keep the original record: the message row stays, and its journal
 * entry stays in the chain, followed by a retraction or correction entry that points to it.
 *
 * <p>
 * Both are idempotent: retracting a retracted message, or repeating the newest correction (same text, same
 * reason), answers as the first time and writes nothing. After commit, the other side's sockets learn of it
 * on every replica ({@code message-retracted}, {@code message-corrected}) and the conversation's list entry
 * is refreshed (its preview says "Beskeden blev trukket tilbage").
 */
@ApplicationScoped
public class MessageRevisions {

    /** Longest accepted reason for a correction, in code points. */
    public static final int MAX_REASON = 500;
    /** The frames (feature events) of a retraction and of a correction. */
    public static final String RETRACTED = "message-retracted";
    public static final String CORRECTED = "message-corrected";

    /** A retraction as the API answers it. */
    public record Retraction(UUID conversationId, UUID messageId, long seq, Instant retractedAt) {
    }

    private final RevisionStore store;
    private final MessageStore messages;
    private final Fanout fanout;
    private final Clock clock;
    private final RevisionConfig config;

    MessageRevisions(RevisionStore store, MessageStore messages, Fanout fanout, Clock clock, RevisionConfig config) {
        this.store = store;
        this.messages = messages;
        this.fanout = fanout;
        this.clock = clock;
        this.config = config;
    }

    public Uni<Retraction> retract(Caller caller, UUID conversationId, UUID messageId) {
        require(conversationId, messageId);
        Instant now = Times.now(clock);
        Duration window = config.retractWindow();
        UUID citizenScope = caller.isCitizen() ? caller.id() : new UUID(0, 0);
        return store.retract(caller.tenantId(), citizenScope, caller.unitIds().toArray(UUID[]::new), conversationId,
                messageId, caller.actor(), now, m -> {
                    ownMessage(caller, m);
                    if (m.retractedAt() != null) {
                        return new RevisionStore.Verdict<>(new Done<>(retraction(m, m.retractedAt()), m.route(), false),
                                false);
                    }
                    if (!m.open()) {
                        throw new ProblemException(ErrorCode.CONVERSATION_CLOSED, "The conversation is closed");
                    }
                    if (m.otherSideRead() >= m.seq()) {
                        throw new ProblemException(ErrorCode.MESSAGE_ALREADY_READ,
                                "The other side has read the message; it can no longer be retracted");
                    }
                    if (m.createdAt().plus(window).isBefore(now)) {
                        throw new ProblemException(ErrorCode.RETRACT_WINDOW_PASSED, "A message can be retracted for "
                                + window.toMinutes() + " minutes after it was sent");
                    }
                    return new RevisionStore.Verdict<>(new Done<>(retraction(m, now), m.route(), true), true);
                }).invoke(d -> {
                    if (d.made()) {
                        published(d.route(), RETRACTED, fields(d.result()));
                    }
                }).map(Done::result);
    }

    /** The frame's fields of a retraction (ids, seq and time: it travels through NOTIFY). */
    public static Map<String, Object> fields(Retraction r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("messageId", r.messageId());
        f.put("seq", r.seq());
        f.put("retractedAt", r.retractedAt().toString());
        return f;
    }

    /** Staff only: their own message's text becomes {@code body}; answers the message as staff see it. */
    public Uni<Message> correct(Caller caller, UUID conversationId, UUID messageId, String body, String reason) {
        if (!caller.isStaff()) {
            throw ProblemException.forbidden("Only staff can correct a message");
        }
        require(conversationId, messageId);
        MessageService.checkBody(body);
        if (reason == null || MessageService.isBlank(reason)) {
            throw ProblemException.invalid("reason", "is required: why the message is corrected");
        }
        if (reason.codePointCount(0, reason.length()) > MAX_REASON) {
            throw ProblemException.invalid("reason", "must be at most " + MAX_REASON + " characters");
        }
        Instant now = Times.now(clock);
        return store.correct(caller.tenantId(), caller.unitIds().toArray(UUID[]::new), conversationId, messageId,
                caller.actor(), now, body, reason, m -> {
                    ownMessage(caller, m);
                    if (m.retractedAt() != null) {
                        throw new ProblemException(ErrorCode.MESSAGE_RETRACTED,
                                "The message was retracted; it cannot be corrected");
                    }
                    if (body.equals(m.currentBody())) {
                        if (reason.equals(m.currentReason())) {
                            // a repeat of the newest correction
                            return new RevisionStore.Verdict<>(new Done<>(m, m.route(), false), false);
                        }
                        throw ProblemException.invalid("body", "is the message's text already");
                    }
                    return new RevisionStore.Verdict<>(new Done<>(m, m.route(), true), true);
                }).flatMap(d -> messages.byIds(List.of(messageId)).map(list -> {
                    Message stored = list.get(0);
                    if (d.made()) {
                        Map<String, Object> f = new LinkedHashMap<>();
                        f.put("messageId", messageId);
                        f.put("seq", stored.seq());
                        f.put("version", stored.correction().version());
                        published(d.route(), CORRECTED, f);
                    }
                    return stored;
                }));
    }

    /** What a change came to: its result, where its events go, and whether this call made it. */
    private record Done<T>(T result, Route route, boolean made) {
    }

    private void published(Route route, String type, Map<String, Object> fields) {
        fanout.publish(new ConversationEvent.FeatureEvent(route, type, ConversationEvent.Audience.participants,
                fields));
        // the list entry changes too (preview, "corrected"), and the event log's consumers wake (journal)
        fanout.publish(new ConversationEvent.Changed(route));
    }

    /** Nobody retracts or corrects another's message (a colleague's, the citizen's, the system's). */
    private static void ownMessage(Caller caller, RevisionStore.Locked m) {
        if (m == null) {
            throw ProblemException.notFound("message");
        }
        if (!m.senderId().equals(caller.id()) || !m.senderKind().name().equals(caller.actor().kind().name())) {
            throw new ProblemException(ErrorCode.NOT_YOUR_MESSAGE, "Only the sender can do this to a message");
        }
    }

    private static Retraction retraction(RevisionStore.Locked m, Instant at) {
        return new Retraction(m.route().conversationId(), m.messageId(), m.seq(), at);
    }

    private static void require(UUID conversationId, UUID messageId) {
        if (conversationId == null) {
            throw ProblemException.invalid("conversationId", "is required");
        }
        if (messageId == null) {
            throw ProblemException.invalid("messageId", "is required");
        }
    }
}
