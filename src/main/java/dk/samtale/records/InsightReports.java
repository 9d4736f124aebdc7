package dk.samtale.records;

import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dk.samtale.platform.AccessLog;
import dk.samtale.platform.CitizenConversations;
import dk.samtale.platform.InsightContributor;
import dk.samtale.platform.Times;

/**
 * Assembles a citizen's insight report from every feature's {@link InsightContributor}, in their order, one
 * after another (a report is rare; one feature's queries at a time keep it off the pool's back). Reads no
 * feature's tables itself: the conversations come from the conversation feature's port, everything else from
 * the sections. Producing a report is an access to the citizen's data and is recorded in the access log.
 */
@ApplicationScoped
class InsightReports {

    private final List<InsightContributor> contributors;
    private final CitizenConversations conversations;
    private final AccessLog log;
    private final Clock clock;

    InsightReports(@Any Instance<InsightContributor> contributors, CitizenConversations conversations, AccessLog log,
            Clock clock) {
        this.contributors = contributors.stream().sorted(Comparator.comparingInt(InsightContributor::order)
                .thenComparing(InsightContributor::name)).toList();
        this.conversations = conversations;
        this.log = log;
        this.clock = clock;
    }

    /** The report about a citizen of the tenant, for this audience, produced by {@code who}. */
    Uni<InsightReport> produce(UUID tenantId, String municipality, UUID citizenId, InsightContributor.Audience audience,
            AccessLog.Accessor who) {
        return conversations.of(tenantId, citizenId).flatMap(ids -> {
            var subject = new InsightContributor.Subject(tenantId, citizenId, ids, audience);
            return Multi.createFrom().iterable(contributors).onItem()
                    .transformToUniAndConcatenate(c -> c.about(subject)).collect().asList();
        }).map(sections -> {
            Map<String, InsightReport.Section> byName = new LinkedHashMap<>();
            for (InsightContributor.Section s : sections) {
                byName.put(s.name(), new InsightReport.Section(s.title(), s.items()));
            }
            log.record(new AccessLog.Access(tenantId, who, citizenId, null, null, AccessLog.Kind.INSIGHT_REPORT));
            return new InsightReport(Times.now(clock), municipality, citizenId, audience.name(), byName);
        });
    }
}
