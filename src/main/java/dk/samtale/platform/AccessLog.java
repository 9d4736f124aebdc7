package dk.samtale.platform;

import java.util.UUID;

/**
 * Where features report every access to a citizen's data by a person or a system (staff opening a
 * conversation or paging its messages, a search result showing a citizen, a CPR lookup, the case system
 * pulling journal entries, an export, an insight report), for the citizen's insight and the data protection
 * officer. Implemented by the records feature.
 *
 * <p>
 * {@link #record} never blocks and never fails the caller: the access is buffered in memory and appended
 * to the tenant's hash-chained log in batches after a short delay, off the request path. Repeated accesses
 * of the same kind by the same accessor to the same conversation within a short window are one entry. Ids
 * only: never message text, never a CPR number. A live socket that receives messages is not an access to
 * record per message (opening and paging the conversation is).
 */
public interface AccessLog {

    /** What kind of access; {@link #code()} is what is stored and shown. */
    enum Kind {
        CONVERSATION_OPENED("conversation-opened"), MESSAGES_READ("messages-read"), SEARCH_RESULT(
                "search-result"), CPR_LOOKUP("cpr-lookup"), JOURNAL_PULLED("journal-pulled"), CONVERSATION_EXPORTED(
                        "conversation-exported"), INSIGHT_REPORT(
                                "insight-report"), ACCESS_LOG_QUERIED("access-log-queried"),
        // staff downloading a file of the conversation (its thumbnail in the message list is not counted)
        FILE_OPENED("file-opened");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Kind of(String code) {
            for (Kind k : values()) {
                if (k.code.equals(code)) {
                    return k;
                }
            }
            return null;
        }
    }

    /**
     * Who accessed: a staff member or a citizen by id, a service client (the case system) by its token's
     * subject.
     */
    record Accessor(Type type, UUID id, String client) {

        public enum Type {
            staff, service, citizen
        }

        public Accessor {
            if (type == null || (type == Type.service ? client == null : id == null)) {
                throw new IllegalArgumentException("an accessor needs its id (staff, citizen) or client (service)");
            }
        }

        public static Accessor staff(UUID id) {
            return new Accessor(Type.staff, id, null);
        }

        public static Accessor service(String client) {
            return new Accessor(Type.service, null, client);
        }

        public static Accessor citizen(UUID id) {
            return new Accessor(Type.citizen, id, null);
        }
    }

    /**
     * One access.
     *
     * @param conversationId null when the access is to the citizen rather than one conversation (a CPR lookup)
     * @param unitId the unit the access was made for (the conversation's), which decides the recorded
     *        purpose; null when none
     */
    record Access(UUID tenantId, Accessor who, UUID citizenId, UUID conversationId, UUID unitId, Kind kind) {
        public Access {
            if (tenantId == null || who == null || citizenId == null || kind == null) {
                throw new IllegalArgumentException("an access needs its tenant, accessor, citizen and kind");
            }
        }
    }

    /** Records an access (buffered; returns at once). */
    void record(Access access);
}
