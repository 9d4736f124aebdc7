package dk.samtale.conversation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

import dk.samtale.identity.Caller;

/**
 * The {@code message-corrected} frame for one reader: the corrected message as that reader may see it
 * (citizens the new text and when; staff also the original and the reason). The event itself carries
 * ids only (it travels through NOTIFY); the text is loaded here, for readers who may see the conversation.
 */
@ApplicationScoped
class CorrectionDetail implements EventDetail {

    private final ConversationQueries queries;
    private final MessageStore messages;

    CorrectionDetail(ConversationQueries queries, MessageStore messages) {
        this.queries = queries;
        this.messages = messages;
    }

    @Override
    public String type() {
        return MessageRevisions.CORRECTED;
    }

    @Override
    public Uni<Map<String, Object>> load(Caller reader, ConversationEvent.FeatureEvent event) {
        UUID conversationId = event.route().conversationId();
        UUID messageId = UUID.fromString(String.valueOf(event.fields().get("messageId")));
        return queries.access(reader, conversationId).flatMap(access -> access == null
                ? Uni.createFrom().nullItem()
                : messages.byIds(List.of(messageId)).map(list -> {
                    if (list.isEmpty() || !list.get(0).conversationId().equals(conversationId)) {
                        return null;
                    }
                    Map<String, Object> frame = new LinkedHashMap<>();
                    frame.put("conversationId", conversationId);
                    frame.put("message", list.get(0).visibleTo(reader.isStaff()));
                    return frame;
                }));
    }
}
