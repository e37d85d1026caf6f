package dev.nerve.memory.longterm;

import dev.nerve.memory.embedding.Embedder;
import dev.nerve.memory.search.IndexSync;
import java.util.List;
import java.util.Set;
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

  /**
   * Re-embeds the given memories; returns how many. A memory that changed while it was embedded
   * (its update embedded it anew) is read and embedded again, as is one another transaction held,
   * up to {@value #ATTEMPTS} times; one still held after that keeps its vector for the next round.
   */
  long reembed(List<MemoryRow> rows) {
    long written = 0;
    List<MemoryRow> pending = rows;
    for (int attempt = 0; attempt < ATTEMPTS && !pending.isEmpty(); attempt++) {
      List<MemoryRow> read = pending;
      List<float[]> vectors = embedder.embed(context.texts(read));
      Set<String> done = tx.execute(status -> repository.updateEmbeddingsIfUnchanged(read, embedder.model(), vectors));
      written += done.size();
      List<String> left = read.stream().map(MemoryRow::id).filter(id -> !done.contains(id)).toList();
      pending = left.isEmpty() ? List.of() : repository.rowsById(left);
    }
    sync.catchUp();
    return written;
  }

  /** Rounds of re-reading and re-embedding the memories a round could not write. */
  static final int ATTEMPTS = 3;

  private long drain(Supplier<List<MemoryRow>> next) {
    long total = 0;
    while (true) {
      List<MemoryRow> rows = next.get();
      if (rows.isEmpty()) {
        return total;
      }
      long written = reembed(rows);
      if (written == 0) {
        // Every memory of the batch is held by other transactions: the next round takes them.
        return total;
      }
      total += written;
    }
  }
}
