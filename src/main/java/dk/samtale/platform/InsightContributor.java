package dk.samtale.platform;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * A feature's section of a citizen's insight report (GDPR Art. 15: "what do you hold about me?"). Every
 * feature that keeps data about citizens implements this as an {@code @ApplicationScoped} bean, reading
 * only its own tables; the records feature assembles the sections and never reads a feature's tables
 * itself. A feature with several kinds of data may provide several sections.
 *
 * <p>
 * {@link #tables()} is a promise checked by a test ({@code InsightCoverageTest}): every table that holds
 * citizen data (a {@code citizen_id} column, a foreign key to {@code citizen}) must be named by some
 * section, and a section may name only tables its own feature owns. A feature that adds such a table adds
 * it to its section, or the build fails.
 *
 * <p>
 * Sections never carry secrets (tokens, keys, hashes that stand for a phone number) and only data of the
 * subject's own tenant.
 */
public interface InsightContributor {

    /** Who the report is for. */
    enum Audience {
        /** The citizen, fetching their own report from the app. */
        citizen,
        /**
         * The municipality's data protection officer, producing the report for a request made by letter: they
         * see everything the citizen would, and what the law lets them withhold after assessing it (e.g. staff
         * notes, Databeskyttelsesloven § 22), so they can decide before sending.
         */
        dpo
    }

    /**
     * The citizen the report is about.
     *
     * @param conversationIds every conversation of the citizen in the tenant (given by the conversation
     *        feature, so other features need not read its tables to know them)
     */
    record Subject(UUID tenantId, UUID citizenId, Set<UUID> conversationIds, Audience audience) {
        public Subject {
            conversationIds = Set.copyOf(conversationIds);
        }
    }

    /**
     * One section: a stable {@code name} (the JSON key, documented in openapi.yaml), a heading for people
     * (Danish, as the citizen reads it) and its items: records, serialised as JSON objects, all of one shape.
     */
    record Section(String name, String title, List<?> items) {
        public Section {
            items = List.copyOf(items);
        }
    }

    /** The section's stable name (lower case, hyphens): {@code profile}, {@code devices}, ... */
    String name();

    /** Where the section goes in the report (ascending). */
    int order();

    /** The tables whose rows about a citizen this section reports; all owned by the implementing feature. */
    Set<String> tables();

    /**
     * What this feature holds about the subject. Non-blocking (reactive client); small values are opened with
     * the tenant's keys on the calling thread, as every read path does.
     */
    Uni<Section> about(Subject subject);
}
