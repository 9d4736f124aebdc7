package dk.samtale.crypto;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * For a feature's {@link Resealer}: moves the sealed values of one of its tables onto their conversation's key
 * (values from before conversations had keys, or under a retired tenant key), in batches, each its own short
 * transaction; the feature names its table in its own SQL. Keys are made for conversations that have none.
 */
@ApplicationScoped
public class ConversationResealing {

    static final int BATCH = 200;

    /**
     * One row as read: its conversation, how each of its sealed values is bound and the values (null for an
     * absent one), and what names the row in the update.
     */
    public record Sealed(UUID conversationId, List<Binding> bindings, List<byte[]> values, List<Object> key) {
    }

    private final Pool pool;
    private final ConversationKeys keys;

    ConversationResealing(Pool pool, ConversationKeys keys) {
        this.pool = pool;
        this.keys = keys;
    }

    /**
     * Runs until nothing is left that can move; returns how many values moved. Blocks: call it on a worker
     * thread (as {@link ReencryptionJob} calls resealers).
     *
     * @param select rows of the tenant ($1) not yet under their conversation's key, at most $2, locked
     *        {@code FOR UPDATE SKIP LOCKED}
     * @param update parameters: the row's {@link Sealed#key()} values, then its values in order (re-sealed,
     *        or as they were when they cannot move), then the key id they are under now
     */
    public long run(UUID tenant, String select, Function<Row, Sealed> read, String update) {
        long moved = 0;
        while (true) {
            long n = pool.withTransaction(tx -> tx.preparedQuery(select).execute(Tuple.of(tenant, BATCH))
                    .flatMap(rows -> {
                        List<Sealed> batch = new ArrayList<>();
                        rows.forEach(r -> batch.add(read.apply(r)));
                        if (batch.isEmpty()) {
                            return Uni.createFrom().item(0L);
                        }
                        Set<UUID> conversations = new HashSet<>();
                        batch.forEach(s -> conversations.add(s.conversationId()));
                        return keys.creatingMissing(tenant, conversations)
                                .emitOn(Infrastructure.getDefaultWorkerPool()).flatMap(k -> {
                                    List<Tuple> updates = new ArrayList<>();
                                    long values = 0;
                                    for (Sealed s : batch) {
                                        List<Object> args = new ArrayList<>(s.key());
                                        int movedHere = 0;
                                        for (int i = 0; i < s.values().size(); i++) {
                                            byte[] resealed = k.resealed(s.bindings().get(i), s.values().get(i));
                                            movedHere += resealed == null ? 0 : 1;
                                            byte[] now = resealed != null ? resealed : s.values().get(i);
                                            args.add(now == null ? null : Buffer.buffer(now));
                                        }
                                        if (movedHere > 0) {
                                            args.add(k.keyIdFor(s.bindings().get(0)));
                                            updates.add(Tuple.tuple(args));
                                            values += movedHere;
                                        }
                                    }
                                    long done = values;
                                    return updates.isEmpty()
                                            ? Uni.createFrom().item(0L)
                                            : tx.preparedQuery(update).executeBatch(updates).replaceWith(done);
                                });
                    }))
                    .await().indefinitely();
            if (n == 0) {
                // nothing left, or only values that cannot be opened (altered, or their key destroyed)
                return moved;
            }
            moved += n;
        }
    }
}
