package dk.samtale.conversation;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
class ConversationRepository implements PanacheRepositoryBase<Conversation, UUID> {
}
