package dk.samtale.chat;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.Fanout;

/**
 * The sockets open on this replica, indexed the way events are routed: by citizen and by unit. A
 * conversation's events go to its citizen's sockets and to the sockets of its unit's staff.
 */
@ApplicationScoped
class ChatRegistry {

    private final Map<String, ChatConnection> byId = new ConcurrentHashMap<>();
    private final Map<UUID, Set<ChatConnection>> byCitizen = new ConcurrentHashMap<>();
    private final Map<UUID, Set<ChatConnection>> byUnit = new ConcurrentHashMap<>();
    private final Fanout fanout;

    ChatRegistry(Fanout fanout, MeterRegistry metrics) {
        this.fanout = fanout;
        Gauge.builder("samtale.sockets.open", byId, Map::size).description("WebSocket connections open on this replica")
                .register(metrics);
    }

    void start(@Observes StartupEvent start) {
        fanout.subscribe(this::route);
    }

    void add(ChatConnection c) {
        byId.put(c.id(), c);
        if (c.caller().isCitizen()) {
            byCitizen.computeIfAbsent(c.caller().id(), k -> ConcurrentHashMap.newKeySet()).add(c);
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
            byCitizen.computeIfPresent(c.caller().id(), (k, set) -> {
                set.remove(c);
                return set.isEmpty() ? null : set;
            });
        } else {
            c.caller().unitIds().forEach(u -> byUnit.computeIfPresent(u, (k, set) -> {
                set.remove(c);
                return set.isEmpty() ? null : set;
            }));
        }
        return c;
    }

    int size() {
        return byId.size();
    }

    private void route(ConversationEvent event) {
        Set<ChatConnection> citizens = byCitizen.get(event.route().citizenId());
        if (citizens != null) {
            citizens.forEach(c -> c.on(event));
        }
        Set<ChatConnection> staff = byUnit.get(event.route().unitId());
        if (staff != null) {
            staff.forEach(c -> c.on(event));
        }
    }
}
