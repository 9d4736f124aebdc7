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
 * Moves the sealed values of one table onto their conversation's key (values from before conversations had
 * keys, or under a retired tenant key), in batches, each its own short transaction with {@code SKIP LOCKED};
 * keys are made for conversations that have none. {@link ReencryptionJob} runs it for message bodies and
 * subjects, features' {@link Resealer}s for their own tables, each naming its table in its own SQL.
 *
 * <p>
 * It keeps no state between runs — a row is done when its values name the key they belong under, and the
 * select finds only rows not done — so a run stopped at any point is finished by the next one. A row whose
 * values cannot be opened (altered, or their key destroyed) stays as it is and is passed over for the rest
 * of the run.
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

    /** What one batch came to. */
    private record Pass(int rows, int rowsMoved, long valuesMoved) {
    }

    private final Pool pool;
    private final ConversationKeys keys;

    ConversationResealing(Pool pool, ConversationKeys keys) {
        this.pool = pool;
        this.keys = keys;
    }

    /** As {@link #run(UUID, String, Function, String, int, int)}, in batches of 200 until done. */
    public long run(UUID tenant, String select, Function<Row, Sealed> read, String update) {
        return run(tenant, select, read, update, BATCH, Integer.MAX_VALUE);
    }

    /**
     * Runs at most {@code maxBatches} batches; returns how many values moved. Blocks: call it on a worker
     * thread (as {@link ReencryptionJob} calls resealers).
     *
     * @param select rows of the tenant ($1) not yet under their conversation's key, in a fixed order, at
     *        most $2 after the first $3 (those this run could not move), locked {@code FOR UPDATE SKIP LOCKED}
     * @param update parameters: the row's {@link Sealed#key()} values, then its values in order (re-sealed,
     *        or as they were when they cannot move), then the key id they are under now
     */
    public long run(UUID tenant, String select, Function<Row, Sealed> read, String update, int batchSize,
            int maxBatches) {
        long moved = 0;
        int stuck = 0;
        for (int batch = 0; batch < maxBatches; batch++) {
            Pass pass = pass(tenant, select, read, update, batchSize, stuck);
            moved += pass.valuesMoved();
            stuck += pass.rows() - pass.rowsMoved();
            if (pass.rows() < batchSize) {
                break;
            }
        }
        return moved;
    }

    private Pass pass(UUID tenant, String select, Function<Row, Sealed> read, String update, int batchSize,
            int skip) {
        return pool.withTransaction(tx -> tx.preparedQuery(select).execute(Tuple.of(tenant, batchSize, skip))
                .flatMap(rows -> {
                    List<Sealed> batch = new ArrayList<>();
                    rows.forEach(r -> batch.add(read.apply(r)));
                    if (batch.isEmpty()) {
                        return Uni.createFrom().item(new Pass(0, 0, 0));
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
                                Pass pass = new Pass(batch.size(), updates.size(), values);
                                return updates.isEmpty()
                                        ? Uni.createFrom().item(pass)
                                        : tx.preparedQuery(update).executeBatch(updates).replaceWith(pass);
                            });
                }))
                .await().indefinitely();
    }
}
