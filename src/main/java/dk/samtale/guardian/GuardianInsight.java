package dk.samtale.guardian;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

import dk.samtale.platform.InsightContributor;

/**
 * The citizen's guardianships for the insight report: as a child (who is registered as their guardian, on
 * what basis, by whom and when, and whether it has ended — also by the child turning 18) and as a guardian
 * (whose guardian they are). Read from this feature's own table; the other person's name comes from
 * identity.
 */
@ApplicationScoped
class GuardianInsight implements InsightContributor {

    private final GuardianRegistry registry;

    GuardianInsight(GuardianRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "guardianships";
    }

    @Override
    public int order() {
        return 15;
    }

    @Override
    public Set<String> tables() {
        return Set.of("guardianship");
    }

    @Override
    public Uni<Section> about(Subject s) {
        return registry.involving(s.tenantId(), s.citizenId())
                .map(list -> new Section(name(), "Forældremyndighed registreret hos kommunen", list));
    }
}
