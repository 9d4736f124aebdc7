package dk.samtale.conversation;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerResolver;
import dk.samtale.platform.Items;
import dk.samtale.platform.ProblemException;
import dk.samtale.platform.QueryParams;

/**
 * Conversations and their messages over REST. Who may call what is stated per method; which
 * conversation a caller may touch is decided in the services (foreign or unknown ids answer 404).
 */
@Path("/api/v1/conversations")
@RolesAllowed({"citizen", "staff"})
public class ConversationResource {

    /**
     * {@code parties} (staff only): citizen (default), child (the child's own) or guardians (with
     * {@code guardianIds}, current guardians of the child).
     */
    public record OpenConversation(UUID unitId, UUID citizenId, String subject, String parties,
            List<UUID> guardianIds) {
    }

    public record ChildsOwn(Boolean childsOwn) {
    }

    /** {@code attachmentIds}: files uploaded to this conversation before (upload-then-send), in order. */
    public record Send(String clientMessageId, String body, Boolean smsAllowed, List<UUID> attachmentIds) {
        @Override
        public String toString() {
            return "Send[" + clientMessageId + "]";
        }
    }

    public record MarkRead(Long seq) {
    }

    private final SecurityIdentity identity;
    private final CallerResolver callers;
    private final ConversationService conversations;
    private final MessageService messages;

    ConversationResource(SecurityIdentity identity, CallerResolver callers, ConversationService conversations,
            MessageService messages) {
        this.identity = identity;
        this.callers = callers;
        this.conversations = conversations;
        this.messages = messages;
    }

    /** Citizens: their conversations. Staff: their units' conversations (views mine/unassigned/all). */
    @GET
    public Uni<Items<ConversationView>> list(@QueryParam("status") @DefaultValue("open") String status,
            @QueryParam("view") @DefaultValue("all") String view,
            @QueryParam("limit") @DefaultValue("50") String limitText, @QueryParam("q") String q,
            @QueryParam("sort") @DefaultValue("newest") String sort, @QueryParam("citizenId") String citizenText) {
        int limit = (int) QueryParams.number("limit", limitText, 1);
        Conversation.Status s = parse(Conversation.Status.class, "status", status);
        ConversationQueries.View v = parse(ConversationQueries.View.class, "view", view);
        ConversationQueries.Sort order = parse(ConversationQueries.Sort.class, "sort", sort);
        UUID citizenId = citizenText == null ? null : uuid("citizenId", citizenText);
        if (limit < 1 || limit > MessageService.MAX_PAGE) {
            throw ProblemException.invalid("limit", "must be 1 to " + MessageService.MAX_PAGE);
        }
        if (q != null && !q.isBlank()) {
            // search by citizen name or subject (names are sealed: matched in memory, see ConversationQueries)
            return caller().flatMap(c -> conversations.search(c, s, v, q, limit)).map(Items::new);
        }
        return caller().flatMap(c -> conversations.list(c, s, v, order, citizenId, limit)).map(Items::new);
    }

    /** Staff: how many conversations each inbox view holds (open: mine, unassigned, all; closed; awaiting reply). */
    @GET
    @Path("/counts")
    @RolesAllowed("staff")
    public Uni<ConversationCounts> counts() {
        return caller().flatMap(conversations::counts);
    }

    private static UUID uuid(String field, String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(field, "must be a UUID");
        }
    }

    /** Citizens open one with a unit; staff open one with a citizen, in one of their units. */
    @POST
    public Uni<RestResponse<ConversationView>> open(OpenConversation body) {
        OpenConversation b = require(body);
        return caller().flatMap(c -> conversations.open(c, b.unitId(), b.citizenId(), b.subject(), b.parties(),
                b.guardianIds()))
                .map(v -> RestResponse.ResponseBuilder.<ConversationView>created(URI.create("/api/v1/conversations/"
                        + v.id())).entity(v).build());
    }

    /** Participants. */
    @GET
    @Path("/{id}")
    public Uni<ConversationView> get(@PathParam("id") UUID id) {
        return caller().flatMap(c -> conversations.open(c, id));
    }

    /** Staff of the conversation's unit: assign to a colleague, or unassign with null. */
    @POST
    @Path("/{id}/assign")
    @RolesAllowed("staff")
    public Uni<ConversationView> assign(@PathParam("id") UUID id, JsonNode body) {
        UUID staffId = staffId(body);
        return caller().flatMap(c -> conversations.assign(c, id, staffId));
    }

    /** {@code staffId} must be present: a UUID, or null to unassign (an empty body is a mistake, not "unassign"). */
    private static UUID staffId(JsonNode body) {
        JsonNode v = body == null ? null : body.get("staffId");
        if (v == null) {
            throw ProblemException.invalid("staffId", "is required (null unassigns)");
        }
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ProblemException.invalid("staffId", "must be a JSON string or null"); // valid JSON, wrong type
        }
        try {
            return UUID.fromString(v.asText());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("staffId", "must be a UUID or null");
        }
    }

    public record Transfer(UUID unitId) {
    }

    /**
     * Staff of the conversation's unit: hand it to another unit of the tenant (204). The citizen gets a
     * system message; the new unit sees the whole history; nobody is assigned.
     */
    @POST
    @Path("/{id}/transfer")
    @RolesAllowed("staff")
    public Uni<RestResponse<Void>> transfer(@PathParam("id") UUID id, Transfer body) {
        Transfer b = require(body);
        return caller().flatMap(c -> conversations.transfer(c, id, b.unitId())).map(x -> RestResponse.noContent());
    }

    /**
     * Staff of the conversation's unit: the case number (sagsnummer), KLE class and action facet that
     * journal entries carry from now on; entries made before keep what was known then.
     */
    @PUT
    @Path("/{id}/case")
    @RolesAllowed("staff")
    public Uni<ConversationView> setCase(@PathParam("id") UUID id, CaseReference body) {
        CaseReference ref = require(body).validated();
        return caller().flatMap(c -> conversations.setCase(c, id, ref));
    }

    /** Staff of the conversation's unit. */
    @POST
    @Path("/{id}/close")
    @RolesAllowed("staff")
    public Uni<ConversationView> close(@PathParam("id") UUID id) {
        return caller().flatMap(c -> conversations.close(c, id));
    }

    /** Staff of the conversation's unit. */
    @POST
    @Path("/{id}/reopen")
    @RolesAllowed("staff")
    public Uni<ConversationView> reopen(@PathParam("id") UUID id) {
        return caller().flatMap(c -> conversations.reopen(c, id));
    }

    /**
     * Staff of the conversation's unit: mark a conversation with the child as the child's own (never shown
     * to guardians) or undo it. Audited.
     */
    @PUT
    @Path("/{id}/childs-own")
    @RolesAllowed("staff")
    public Uni<ConversationView> childsOwn(@PathParam("id") UUID id, ChildsOwn body) {
        if (body == null || body.childsOwn() == null) {
            throw ProblemException.invalid("childsOwn", "is required");
        }
        return caller().flatMap(c -> conversations.markChildsOwn(c, id, body.childsOwn()));
    }

    /** Participants: messages after a seq (ascending), or the ones just before a seq. */
    @GET
    @Path("/{id}/messages")
    public Uni<MessageService.Page> messages(@PathParam("id") UUID id, @QueryParam("after") String afterText,
            @QueryParam("before") String beforeText, @QueryParam("limit") @DefaultValue("50") String limitText) {
        Long after = afterText == null ? null : QueryParams.number("after", afterText, 0);
        Long before = beforeText == null ? null : QueryParams.number("before", beforeText, 1);
        int limit = (int) QueryParams.number("limit", limitText, 1);
        return caller().flatMap(c -> messages.page(c, id, after, before, limit));
    }

    /** Participants: 201 with the ack; 200 with the original ack when the clientMessageId was sent before. */
    @POST
    @Path("/{id}/messages")
    public Uni<RestResponse<Ack>> send(@PathParam("id") UUID id, Send body) {
        Send b = require(body);
        return caller().flatMap(c -> messages.post(c, id, b.clientMessageId(), b.body(),
                c.isStaff() ? Message.Channel.web : Message.Channel.app, Boolean.TRUE.equals(b.smsAllowed()),
                b.attachmentIds()))
                .map(p -> RestResponse.status(p.created() ? Response.Status.CREATED : Response.Status.OK, p.ack()));
    }

    public record ChannelPolicy(String policy) {
    }

    /** Staff of the conversation's unit: app, sms or app-then-sms. */
    @PUT
    @Path("/{id}/channel-policy")
    @RolesAllowed("staff")
    public Uni<ConversationView> channelPolicy(@PathParam("id") UUID id, ChannelPolicy body) {
        ChannelPolicy b = require(body);
        return caller().flatMap(c -> conversations.channelPolicy(c, id, b.policy()));
    }

    /** Participants: read up to a seq (the cursor never moves back). */
    @POST
    @Path("/{id}/read")
    public Uni<RestResponse<Void>> read(@PathParam("id") UUID id, MarkRead body) {
        MarkRead b = require(body);
        if (b.seq() == null) {
            throw ProblemException.invalid("seq", "is required");
        }
        return caller().flatMap(c -> messages.moveCursor(c, id, ConversationEvent.Cursor.read, b.seq()))
                .map(x -> RestResponse.noContent());
    }

    private Uni<Caller> caller() {
        return callers.resolve(identity);
    }

    private static <T> T require(T body) {
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON body is required");
        }
        return body;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(field, "unknown value");
        }
    }
}
