package dk.samtale.demo;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.conversation.Message;
import dk.samtale.conversation.MessageService;
import dk.samtale.identity.Caller;
import dk.samtale.identity.CallerKind;
import dk.samtale.identity.Citizens;
import dk.samtale.platform.Times;
import dk.samtale.platform.Uuid7;

/**
 * Dev/demo only: on first start with an empty database, seeds a demo municipality (Varde, the unit
 * "Jobcenter – Team Ung", two caseworkers, two citizens with made-up CPR numbers and one open
 * conversation) and prints how to get tokens. Not part of the prod build.
 */
@ApplicationScoped
@IfBuildProfile("demo")
class DemoSeeder {

    private static final Logger LOG = Logger.getLogger(DemoSeeder.class);
    static final String UNIT_EXTERNAL_ID = "jobcenter-team-ung";
    // made up: CPR numbers that fail the modulus-11 check, so they belong to nobody
    static final String SOFIE_CPR = "0101001234";
    static final String MADS_CPR = "0202002345";

    private final Pool pool;
    private final MessageService messages;
    private final Citizens citizens;
    private final Clock clock;
    private final DemoConfig config;
    private final int port;
    private final dk.samtale.conversation.SubjectSealing sealing;
    private final dk.samtale.crypto.ConversationKeys conversationKeys;

    DemoSeeder(Pool pool, Citizens citizens, Clock clock, DemoConfig config,
            @ConfigProperty(name = "quarkus.http.port") int port, MessageService messages,
            dk.samtale.conversation.SubjectSealing sealing, dk.samtale.crypto.ConversationKeys conversationKeys) {
        this.sealing = sealing;
        this.conversationKeys = conversationKeys;
        this.pool = pool;
        this.messages = messages;
        this.citizens = citizens;
        this.clock = clock;
        this.config = config;
        this.port = port;
    }

    void seed(@Observes StartupEvent start) {
        if (!config.enabled()) {
            return;
        }
        pool.query("SELECT count(*) FROM tenant").execute()
                .flatMap(rows -> rows.iterator().next().getLong(0) > 0
                        ? Uni.createFrom().item(false)
                        : pool.withTransaction(this::insert).flatMap(this::people).replaceWith(true))
                .await().indefinitely()
                .booleanValue();
        smsSettings().await().indefinitely();
        String base = "http://localhost:" + port;
        LOG.infof("""

                ==== Samtale demo ====
                Demo municipality: Varde Kommune, unit "Jobcenter – Team Ung".
                Users: mette, jonas (caseworkers), sofie, mads (citizens), case-system (journal reader).
                  curl -s %1$s/dev/tokens              # list the demo users
                  TOKEN=$(curl -s %1$s/dev/tokens/sofie | sed -E 's/.*"token":"([^"]+)".*/\\1/')
                  curl -s -H "Authorization: Bearer $TOKEN" %1$s/api/v1/conversations
                WebSocket: ws://localhost:%2$d/api/v1/chat (Authorization: Bearer <token>)
                Case journal (the case system's pull feed, signed and hash-chained):
                  CS=$(curl -s %1$s/dev/tokens/case-system | sed -E 's/.*"token":"([^"]+)".*/\\1/')
                  curl -s -H "Authorization: Bearer $CS" %1$s/api/v1/journal/entries
                  curl -s -H "Authorization: Bearer $CS" %1$s/api/v1/journal/verification
                API docs: %1$s/q/swagger-ui  ·  contracts: %1$s/openapi/openapi.yaml, %1$s/openapi/asyncapi.yaml
                ======================""", base, port);
    }

    /**
     * SMS settings for Varde (also for a demo database made before SMS existed). SMS goes out only when
     * a GatewayAPI token is configured; without one the demo shows SMS as disabled in the health check.
     */
    private Uni<Void> smsSettings() {
        return pool.query("""
                INSERT INTO sms_tenant (tenant_id, sender, receiver, default_unit_id, auto_reply)
                SELECT t.id, 'Varde', '4512345600', u.id,
                       'Vi kender ikke dit nummer. Log ind i appen for at skrive til Varde Kommune.'
                FROM tenant t JOIN unit u ON u.tenant_id = t.id AND u.external_id = 'jobcenter-team-ung'
                WHERE t.slug = 'varde'
                ON CONFLICT DO NOTHING""").execute().replaceWithVoid();
    }

    /** Citizens come after the tenant is committed: their CPR and name are sealed under its new keys. */
    private Uni<Void> people(UUID[] tenantAndUnit) {
        UUID tenant = tenantAndUnit[0];
        OffsetDateTime now = Times.utc(Times.now(clock));
        return citizens.findOrRegister(tenant, SOFIE_CPR, "Sofie Jensen")
                .flatMap(sofie -> citizens.findOrRegister(tenant, MADS_CPR, "Mads Nielsen").replaceWith(sofie))
                .flatMap(sofie -> {
                    UUID conversation = Uuid7.next(clock);
                    // its own key first, as the conversation feature makes one at every open
                    return conversationKeys.create(tenant, conversation).flatMap(k -> pool.preparedQuery(
                            """
                                    INSERT INTO conversation (id, tenant_id, unit_id, citizen_id, subject, status, created_at, updated_at)
                                    VALUES ($1, $2, $3, $4, 'Praktik hos Varde Cykler', 'open', $5, $5)""")
                            .execute(Tuple.of(conversation, tenant, tenantAndUnit[1], sofie.id(), now)))
                            // written in clear for brevity; sealed at once, as rows from before V12 are
                            .call(x -> sealing.sealAll())
                            // a first message through the real message path, so the case journal has an entry
                            .flatMap(x -> messages.post(
                                    new Caller(CallerKind.citizen, tenant, "Varde Kommune", sofie.id(),
                                            "Sofie Jensen", Set.of(), Set.of("citizen"),
                                            Instant.now(clock).plusSeconds(60)),
                                    conversation, "demo-1", "Hej Mette, kan vi tale om praktikken i næste uge?",
                                    Message.Channel.app));
                })
                .replaceWithVoid();
    }

    private Uni<UUID[]> insert(SqlClient tx) {
        OffsetDateTime now = Times.utc(Times.now(clock));
        UUID tenant = Uuid7.next(clock);
        UUID unit = Uuid7.next(clock);
        UUID otherUnit = Uuid7.next(clock);
        return tx.preparedQuery("INSERT INTO tenant (id, slug, name) VALUES ($1, 'varde', 'Varde Kommune')")
                .execute(Tuple.of(tenant))
                .flatMap(x -> tx.preparedQuery(
                        "INSERT INTO unit (id, tenant_id, name, external_id) VALUES ($1, $2, $3, $4), ($5, $2, $6, $7)")
                        .execute(Tuple.tuple(java.util.List.of(unit, tenant, "Jobcenter – Team Ung", UNIT_EXTERNAL_ID,
                                otherUnit, "Børn og Unge", "boern-og-unge"))))
                .flatMap(x -> tx.preparedQuery(
                        "INSERT INTO staff_member (id, tenant_id, subject, name, last_seen_at) VALUES ($1, $2, 'mette', 'Mette Sørensen', $4), ($3, $2, 'jonas', 'Jonas Holm', $4)")
                        .execute(Tuple.of(Uuid7.next(clock), tenant, Uuid7.next(clock), now)))
                .replaceWith(new UUID[]{tenant, unit});
    }
}
