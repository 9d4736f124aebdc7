package dk.samtale.platform;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * Runs asynchronous steps one after another, in submission order, without blocking a thread. A
 * failing step is logged and does not stop the steps after it.
 */
public final class SerialQueue {

    private static final Logger LOG = Logger.getLogger(SerialQueue.class);
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    public synchronized void submit(Supplier<? extends CompletionStage<?>> step) {
        tail = tail.thenCompose(ignored -> {
            try {
                return step.get().thenApply(r -> (Void) null);
            } catch (RuntimeException e) {
                return CompletableFuture.<Void>failedFuture(e);
            }
        }).exceptionally(e -> {
            LOG.warnf("queued step failed: %s", e.getClass().getSimpleName());
            LOG.debug("queued step failure", e);
            return null;
        });
    }
}
