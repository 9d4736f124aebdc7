package dk.samtale.conversation;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dk.samtale.identity.Caller;
import dk.samtale.platform.AccessLog;

/**
 * What of a conversation a person looked at, for the access log (records feature, through the platform
 * port): staff opening one, paging its messages, or seeing citizens in a search result. Citizens looking at
 * their own conversations are not recorded (it is their own data), nor is anything a live socket delivers:
 * only the requests a person makes.
 */
@ApplicationScoped
class ConversationAccesses {

    private final AccessLog log;

    ConversationAccesses(AccessLog log) {
        this.log = log;
    }

    void opened(Caller caller, ConversationView v) {
        if (caller.isStaff()) {
            log.record(new AccessLog.Access(caller.tenantId(), AccessLog.Accessor.staff(caller.id()), v.citizen().id(),
                    v.id(), v.unit().id(), AccessLog.Kind.CONVERSATION_OPENED));
        }
    }

    void read(Caller caller, Route r) {
        if (caller.isStaff()) {
            log.record(new AccessLog.Access(caller.tenantId(), AccessLog.Accessor.staff(caller.id()), r.citizenId(),
                    r.conversationId(), r.unitId(), AccessLog.Kind.MESSAGES_READ));
        }
    }

    void shown(Caller caller, List<ConversationView> found) {
        if (caller.isStaff()) {
            for (ConversationView v : found) {
                log.record(new AccessLog.Access(caller.tenantId(), AccessLog.Accessor.staff(caller.id()),
                        v.citizen().id(), v.id(), v.unit().id(), AccessLog.Kind.SEARCH_RESULT));
            }
        }
    }
}
