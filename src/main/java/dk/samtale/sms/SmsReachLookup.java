package dk.samtale.sms;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import dk.samtale.conversation.SmsReach;

/** A citizen is reachable by SMS when staff have entered a verified number (citizen_phone). */
@ApplicationScoped
class SmsReachLookup implements SmsReach {

    private final Pool pool;

    SmsReachLookup(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Boolean> hasVerifiedNumber(UUID citizenId) {
        return pool.preparedQuery("SELECT 1 FROM citizen_phone WHERE citizen_id = $1").execute(Tuple.of(citizenId))
                .map(rows -> rows.size() > 0);
    }
}
