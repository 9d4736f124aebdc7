package dk.samtale.records;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

import dk.samtale.platform.InsightContributor;

/**
 * Who accessed the citizen's data, for their insight report: date, unit, kind and purpose of each access;
 * the employee's name only where the tenant's admin has chosen so ({@code show_staff_to_citizen}, off by
 * default) and always in the report the DPO produces, who decides what to send.
 */
@ApplicationScoped
class AccessLogInsight implements InsightContributor {

    /** {@code staffName}/{@code staffId}: null unless the tenant shows them (or the DPO reads). */
    record Item(Instant at, String kind, String purpose, String accessorKind, UUID staffId, String staffName,
            String client, UUID unitId, String unitName, UUID conversationId) {
    }

    private final AccessLogQueries queries;

    AccessLogInsight(AccessLogQueries queries) {
        this.queries = queries;
    }

    @Override
    public String name() {
        return "access-log";
    }

    @Override
    public int order() {
        return 90;
    }

    @Override
    public Set<String> tables() {
        return Set.of("access_log");
    }

    @Override
    public Uni<Section> about(Subject s) {
        Uni<Boolean> names = s.audience() == Audience.dpo
                ? Uni.createFrom().item(true)
                : queries.settings(s.tenantId()).map(AccessLogQueries.Settings::showStaffToCitizen);
        return names.flatMap(withNames -> queries.aboutCitizen(s.tenantId(), s.citizenId(), withNames))
                .map(entries -> new Section(name(), "Hvem har set dine oplysninger", entries.stream()
                        .map(e -> new Item(e.at(), e.kind(), e.purpose(), e.actor().kind(), e.actor().id(),
                                e.actor().name(), e.actor().client(), e.unit() == null ? null : e.unit().id(),
                                e.unit() == null ? null : e.unit().name(), e.conversationId()))
                        .toList()));
    }
}
