package dk.samtale.inbox;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dk.samtale.conversation.ConversationEvent;
import dk.samtale.conversation.Fanout;
import dk.samtale.conversation.Message;
import dk.samtale.conversation.MessageService;
import dk.samtale.identity.Actor;

/**
 * Outside a unit's opening hours, a citizen's message gets one automatic reply (a system message) per
 * closed period and conversation. "Once" is enforced by the message path's idempotency: the reply's
 * clientMessageId names the conversation and the start of the closed period, so a second attempt — by
 * this replica or another that heard the same event — stores nothing. A small memory of what was
 * answered spares the repeats a database round trip. Runs after commit, never in the message
 * transaction.
 */
@ApplicationScoped
class AutoReply {

    private static final Logger LOG = Logger.getLogger(AutoReply.class);
    private static final int REMEMBERED = 10_000;

    private final Fanout fanout;
    private final OfficeHours hours;
    private final MessageService messages;
    private final Set<String> answered = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<String, Boolean>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            }));

    AutoReply(Fanout fanout, OfficeHours hours, MessageService messages) {
        this.fanout = fanout;
        this.hours = hours;
        this.messages = messages;
    }

    void start(@Observes StartupEvent start) {
        fanout.subscribe(this::on);
    }

    private void on(ConversationEvent event) {
        if (!(event instanceof ConversationEvent.MessagePosted p)
                || p.message().sender().kind() != Actor.ActorKind.citizen) {
            return;
        }
        Message m = p.message();
        hours.cached(p.route().unitId()).subscribe().with(setting -> {
            if (setting == null || !setting.enabled() || setting.schedule().isOpen(m.createdAt())) {
                return;
            }
            Instant since = setting.schedule().closedSince(m.createdAt());
            String key = "auto-reply:" + m.conversationId() + ":" + (since == null ? 0 : since.getEpochSecond());
            if (!answered.add(key)) {
                return;
            }
            messages.postAsSystem(p.route(), key, hours.autoReplyText(setting, m.createdAt())).subscribe().with(
                    posted -> {
                    }, e -> {
                        answered.remove(key);
                        LOG.warnf("automatic reply in conversation %s failed (%s)", m.conversationId(),
                                e.getClass().getSimpleName());
                    });
        }, e -> LOG.warnf("office hours of unit %s could not be read (%s)", p.route().unitId(),
                e.getClass().getSimpleName()));
    }
}
