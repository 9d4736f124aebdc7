package dk.samtale.conversation;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.Caller;
import dk.samtale.platform.ErrorCode;
import dk.samtale.platform.EventLog;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * The message path: store first (one statement: authorise, dedupe, next seq, insert), answer with the
 * ack only after commit, then notify every replica. Read and delivered receipts and typing notices
 * go the same way.
 */
@ApplicationScoped
public class MessageService {

    /** Longest accepted body, in Unicode code points. */
    public static final int MAX_BODY = 4000;
    public static final int MAX_PAGE = 200;
    private static final Pattern CLIENT_MESSAGE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    /** A stored (or already stored) message and whether this call created it. */
    public record Posted(Ack ack, boolean created) {
    }

    /** A page of messages in ascending seq order. */
    public record Page(List<Message> items, boolean hasMore) {
    }

    private final MessageStore store;
    private final ConversationQueries queries;
    private final Fanout fanout;
    private final Clock clock;
    private final Counter stored;
    private final Counter duplicates;
    private final JournalStates journalStates;
    private final SmsStates smsStates;
    private final ChildRules children;
    private final Parties parties;
    private final ConversationAccesses accesses;

    MessageService(MessageStore store, ConversationQueries queries, Fanout fanout, Clock clock, MeterRegistry metrics,
            JournalStates journalStates, SmsStates smsStates, EventLog eventLog, ChildRules children,
            Parties parties, ConversationAccesses accesses) {
        this.parties = parties;
        this.accesses = accesses;
        this.smsStates = smsStates;
        this.children = children;
        // every committed event of a conversation, on this replica or another, wakes the log's consumers
        // (journal, push, SMS, ...) for its tenant; their poll covers a lost notification
        fanout.subscribe(event -> {
            if (event instanceof ConversationEvent.MessagePosted || event instanceof ConversationEvent.Changed) {
                eventLog.wake(event.route().tenantId());
            }
        });
        this.journalStates = journalStates;
        this.store = store;
        this.queries = queries;
        this.fanout = fanout;
        this.clock = clock;
        this.stored = Counter.builder("samtale.messages.stored").description("Messages committed").register(metrics);
        this.duplicates = Counter.builder("samtale.messages.duplicates")
                .description("Sends answered with the original ack of a repeated clientMessageId").register(metrics);
    }

    public Uni<Posted> post(Caller caller, UUID conversationId, String clientMessageId, String body,
            Message.Channel channel) {
        return post(caller, conversationId, clientMessageId, body, channel, false);
    }

    /**
     * As {@link #post(Caller, UUID, String, String, Message.Channel)}; {@code smsAllowed} is staff marking
     * the message not sensitive, so its text may go by SMS where the conversation's policy sends SMS.
     * Citizens cannot set it (invalid-field): their messages never go out by SMS.
     */
    public Uni<Posted> post(Caller caller, UUID conversationId, String clientMessageId, String body,
            Message.Channel channel, boolean smsAllowed) {
        return post(caller, conversationId, clientMessageId, body, channel, smsAllowed, List.of());
    }

    /**
     * As above, carrying files uploaded before (upload-then-send): each must be the sender's accepted,
     * not yet sent upload in this conversation (see {@link MessageFiles}); they are linked in the message's
     * transaction. A message with files may have an empty body, and never goes by SMS as text.
     */
    public Uni<Posted> post(Caller caller, UUID conversationId, String clientMessageId, String body,
            Message.Channel channel, boolean smsAllowed, List<UUID> attachmentIds) {
        List<UUID> files = attachmentIds == null ? List.of() : attachmentIds;
        validate(conversationId, clientMessageId, files.isEmpty() ? body : (body == null ? "" : body),
                !files.isEmpty());
        if (smsAllowed && !caller.isStaff()) {
            throw ProblemException.invalid("smsAllowed", "only staff can mark a message as allowed by SMS");
        }
        if (!files.isEmpty()) {
            if (smsAllowed) {
                // a file never goes by SMS, and its message's text alone would mislead: the notice goes instead
                throw ProblemException.invalid("smsAllowed", "a message with attachments is not sent as text by SMS");
            }
            store.checkFiles(files);
        }
        Message draft = new Message(Uuid7.next(clock), conversationId, 0, caller.actor(), clientMessageId,
                body == null ? "" : body, null, channel, Times.now(clock), smsAllowed, null);
        if (children.applies(caller)) {
            // a child's send checks the unit's rules first (one indexed read; adults and staff never get here)
            return queries.access(caller, conversationId)
                    .call(a -> a == null
                            ? Uni.createFrom().voidItem()
                            : children.check(caller, a.route().unitId(), true))
                    .flatMap(a -> store(caller, conversationId, draft, files));
        }
        return store(caller, conversationId, draft, files);
    }

    private Uni<Posted> store(Caller caller, UUID conversationId, Message draft, List<UUID> files) {
        UUID citizenScope = caller.isCitizen() ? caller.id() : new UUID(0, 0);
        // a guardian's wards come from memory (Parties); staff and most citizens have none
        return parties.wards(caller).flatMap(wards -> store.post(caller.tenantId(), citizenScope,
                caller.unitIds().toArray(UUID[]::new), wards, draft, files))
                .flatMap(outcome -> {
                    if (outcome instanceof MessageStore.Outcome.Stored s) {
                        stored.increment();
                        fanout.publish(new ConversationEvent.MessagePosted(s.route(), s.message()));
                        return Uni.createFrom().item(new Posted(s.message().ack(), true));
                    }
                    if (outcome instanceof MessageStore.Outcome.Duplicate d) {
                        duplicates.increment();
                        return Uni.createFrom().item(new Posted(d.original().ack(), false));
                    }
                    if (outcome instanceof MessageStore.Outcome.FilesRefused) {
                        // who cannot post here learns nothing about the files
                        return queries.access(caller, conversationId).flatMap(a -> a == null
                                || a.status() != Conversation.Status.open
                                        ? refusal(caller, conversationId)
                                        : store.<Posted>filesRefusal(caller.tenantId(), draft, files));
                    }
                    return refusal(caller, conversationId);
                });
    }

    /**
     * Posts a message from the system (e.g. the automatic reply outside office hours) on behalf of the
     * conversation's unit, through the same one-statement path; the sender id is the unit's id. Idempotent
     * on {@code clientMessageId} like any send. Null when the conversation is closed.
     */
    public Uni<Posted> postAsSystem(Route route, String clientMessageId, String body) {
        validate(route.conversationId(), clientMessageId, body);
        Message draft = new Message(Uuid7.next(clock), route.conversationId(), 0,
                new dk.samtale.identity.Actor(dk.samtale.identity.Actor.ActorKind.system, route.unitId(), null),
                clientMessageId, body, null, Message.Channel.web, Times.now(clock));
        return store.post(route.tenantId(), new UUID(0, 0), new UUID[]{route.unitId()}, draft).map(outcome -> {
            if (outcome instanceof MessageStore.Outcome.Stored s) {
                stored.increment();
                fanout.publish(new ConversationEvent.MessagePosted(s.route(), s.message()));
                return new Posted(s.message().ack(), true);
            }
            return outcome instanceof MessageStore.Outcome.Duplicate d ? new Posted(d.original().ack(), false) : null;
        });
    }

    private Uni<Posted> refusal(Caller caller, UUID conversationId) {
        return queries.access(caller, conversationId).map(a -> {
            if (a == null) {
                throw ProblemException.notFound("conversation");
            }
            throw new ProblemException(ErrorCode.CONVERSATION_CLOSED, "The conversation is closed");
        });
    }

    /**
     * Messages after a seq, or the ones just before a seq; with neither, the newest (what a client opening
     * a conversation shows first; it pages back with before = the first seq it got). Always ascending.
     */
    public Uni<Page> page(Caller caller, UUID conversationId, Long after, Long requestedBefore, int limit) {
        if (after != null && requestedBefore != null) {
            throw ProblemException.invalid("after", "use either after or before, not both");
        }
        Long before = after == null && requestedBefore == null ? Long.valueOf(Long.MAX_VALUE) : requestedBefore;
        if (limit < 1 || limit > MAX_PAGE) {
            throw ProblemException.invalid("limit", "must be 1 to " + MAX_PAGE);
        }
        return visible(caller, conversationId).invoke(route -> accesses.read(caller, route)).flatMap(v -> {
            Uni<List<Message>> fetched = before != null
                    ? store.before(conversationId, before, limit + 1)
                    : store.after(conversationId, after == null ? 0 : after, limit + 1);
            return fetched.map(list -> {
                list = visibleTo(caller, list);
                boolean more = list.size() > limit;
                if (!more) {
                    return new Page(list, false);
                }
                // before: the extra row is the oldest (first); after: the newest (last)
                return new Page(before != null ? list.subList(1, list.size()) : list.subList(0, limit), true);
            }).flatMap(page -> caller.isStaff() ? withJournalStates(caller, page) : Uni.createFrom().item(page));
        });
    }

    /** Staff see each message's journal and SMS state; citizens never do. */
    private Uni<Page> withJournalStates(Caller caller, Page page) {
        if (page.items().isEmpty()) {
            return Uni.createFrom().item(page);
        }
        return withSmsStates(caller, page.items())
                .flatMap(items -> journalStates.of(caller.tenantId(), items.stream().map(Message::id).toList())
                        .map(states -> new Page(items.stream()
                                .map(m -> m.withJournalState(states.getOrDefault(m.id(), "pending"))).toList(),
                                page.hasMore())));
    }

    /** Staff see where each message's SMS is (from the SMS feature); citizens never do. */
    private Uni<List<Message>> withSmsStates(Caller caller, List<Message> list) {
        if (!caller.isStaff() || list.isEmpty()) {
            return Uni.createFrom().item(list);
        }
        return smsStates.of(caller.tenantId(), list.stream().map(Message::id).toList())
                .map(states -> states.isEmpty()
                        ? list
                        : list.stream().map(m -> states.containsKey(m.id()) ? m.withSmsState(states.get(m.id())) : m)
                                .toList());
    }

    /** Up to {@code limit} messages after a seq, for a socket's resume or gap fill. */
    public Uni<List<Message>> since(Caller caller, UUID conversationId, long afterSeq, int limit) {
        return visible(caller, conversationId).flatMap(v -> store.after(conversationId, afterSeq, limit))
                .flatMap(list -> withSmsStates(caller, list)).map(list -> visibleTo(caller, list));
    }

    /** Citizens never see SMS delivery state. */
    private static List<Message> visibleTo(Caller caller, List<Message> list) {
        return caller.isStaff() ? list : list.stream().map(m -> m.visibleTo(false)).toList();
    }

    public Uni<Void> moveCursor(Caller caller, UUID conversationId, ConversationEvent.Cursor cursor, long seq) {
        if (seq < 0) {
            throw ProblemException.invalid("seq", "must be 0 or more");
        }
        return visible(caller, conversationId)
                .flatMap(v -> store.moveCursor(conversationId, caller.actor(), cursor, seq)
                        .invoke(moved -> {
                            if (moved >= 0) {
                                fanout.publish(new ConversationEvent.CursorMoved(v, signalActor(caller), cursor,
                                        moved));
                            }
                        }))
                .replaceWithVoid();
    }

    public Uni<Void> typing(Caller caller, UUID conversationId) {
        return visible(caller, conversationId)
                .invoke(v -> fanout.publish(new ConversationEvent.Typing(v, signalActor(caller))))
                .replaceWithVoid();
    }

    /**
     * Who a receipt or typing notice names: a staff member by the name on their token (the citizen sees
     * "Mette skriver …"); a citizen by id only. These signals also cross replicas in PostgreSQL's
     * notification queue, which is kept in files under load, and citizen names are stored only sealed;
     * the staff already know whose conversation it is (it has one citizen, named in its view).
     */
    private static dk.samtale.identity.Actor signalActor(Caller caller) {
        return caller.isStaff() ? caller.actor() : caller.actor().withoutName();
    }

    /** Where the conversation's events go, if the caller may see it; otherwise not-found. */
    private Uni<Route> visible(Caller caller, UUID conversationId) {
        if (conversationId == null) {
            throw ProblemException.invalid("conversationId", "is required");
        }
        return queries.access(caller, conversationId).map(a -> {
            if (a == null) {
                throw ProblemException.notFound("conversation");
            }
            return a.route();
        });
    }

    /** Only whitespace, in Unicode's sense: also no-break spaces, which String.isBlank lets through. */
    static boolean isBlank(String body) {
        return body.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c));
    }

    private static void validate(UUID conversationId, String clientMessageId, String body) {
        validate(conversationId, clientMessageId, body, false);
    }

    /** {@code mayBeEmpty}: the message carries files, which say enough on their own. */
    private static void validate(UUID conversationId, String clientMessageId, String body, boolean mayBeEmpty) {
        if (conversationId == null) {
            throw ProblemException.invalid("conversationId", "is required");
        }
        if (clientMessageId == null || !CLIENT_MESSAGE_ID.matcher(clientMessageId).matches()) {
            throw ProblemException.invalid("clientMessageId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        }
        checkBody(body, mayBeEmpty);
    }

    /** A body as a message may have it (also a correction's): not blank, at most {@link #MAX_BODY}. */
    static void checkBody(String body) {
        checkBody(body, false);
    }

    private static void checkBody(String body, boolean mayBeEmpty) {
        if (body == null || (!mayBeEmpty && isBlank(body))) {
            throw new ProblemException(ErrorCode.BODY_EMPTY, "The message body is empty");
        }
        if (body.codePointCount(0, body.length()) > MAX_BODY) {
            throw new ProblemException(ErrorCode.BODY_TOO_LONG, "The message body is longer than " + MAX_BODY
                    + " characters");
        }
    }
}
