package dev.nerve.memory.longterm;

import dev.nerve.memory.embedding.Embedder;
import dev.nerve.memory.search.IndexSync;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Recomputes embeddings with the configured model (in a session, from the memories before each
 * one as they are now: {@link SessionContext}): for memories a different model embedded (the
 * model changed; vectors of two models are never compared) and for index rebuilds.
 */
final class Reembedder {

  private final MemoryRepository repository;
  private final Embedder embedder;
  private final SessionContext context;
  private final TransactionTemplate tx;
  private final IndexSync sync;

  Reembedder(MemoryRepository repository, Embedder embedder, SessionContext context, TransactionTemplate tx, IndexSync sync) {
    this.repository = repository;
    this.embedder = embedder;
    this.context = context;
    this.tx = tx;
    this.sync = sync;
  }

  /** Re-embeds memories made by another model, batch by batch; returns how many. */
  long migrateStale(int batch) {
    return drain(() -> repository.embeddedByOtherModel(embedder.model(), batch));
  }

  /** Re-embeds the given memories; returns how many. */
  long reembed(List<MemoryRow> rows) {
    if (rows.isEmpty()) {
      return 0;
    }
    List<float[]> vectors = embedder.embed(context.texts(rows));
    tx.executeWithoutResult(
        status -> {
          for (int i = 0; i < rows.size(); i++) {
            MemoryRow row = rows.get(i);
            repository.updateEmbedding(row.id(), embedder.model(), vectors.get(i));
            repository.changed(row.owner().tenantId(), List.of(row.id()));
          }
        });
    sync.catchUp();
    return rows.size();
  }

  private long drain(Supplier<List<MemoryRow>> next) {
    long total = 0;
    while (true) {
      List<MemoryRow> rows = next.get();
      if (rows.isEmpty()) {
        return total;
      }
      total += reembed(rows);
    }
  }
}
