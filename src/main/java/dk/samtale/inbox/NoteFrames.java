package dk.samtale.inbox;

import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.EventDetail;
import dk.samtale.conversation.Route;
import dk.samtale.identity.Caller;

/**
 * The inbox's {@code note} event: the fan-out carries only the note's id (never its text); each staff
 * socket of the unit loads the note through {@link Notes#byId}, which checks the unit again.
 */
@ApplicationScoped
class NoteFrames implements EventDetail {

    static final String TYPE = "note";

    private final Notes notes;

    NoteFrames(Notes notes) {
        this.notes = notes;
    }

    static ConversationEvent added(Route route, UUID noteId) {
        return new ConversationEvent.FeatureEvent(route, TYPE, ConversationEvent.Audience.staff,
                Map.of("noteId", noteId));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Uni<Map<String, Object>> load(Caller reader, ConversationEvent.FeatureEvent event) {
        if (!reader.isStaff()) {
            return Uni.createFrom().nullItem();
        }
        UUID id = UUID.fromString(String.valueOf(event.fields().get("noteId")));
        return notes.byId(reader, id).map(note -> note == null ? null : Map.<String, Object>of("note", note));
    }
}
