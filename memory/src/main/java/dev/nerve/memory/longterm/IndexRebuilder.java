package dev.nerve.memory.longterm;

import com.google.protobuf.util.Durations;
import dev.nerve.api.memory.v1.RebuildMemoryIndexRequest;
import dev.nerve.api.memory.v1.RebuildMemoryIndexResponse;
import dev.nerve.memory.embedding.Embedder;
import dev.nerve.memory.search.IndexSync;
import dev.nerve.platform.error.NerveException;
import java.util.List;

/** The admin rebuild: re-embeds a tenant's memories and/or re-indexes them from PostgreSQL. */
final class IndexRebuilder {

  private static final int PAGE = 256;

  private final MemoryRepository repository;
  private final Reembedder reembedder;
  private final IndexSync sync;
  private final Embedder embedder;

  IndexRebuilder(MemoryRepository repository, Reembedder reembedder, IndexSync sync, Embedder embedder) {
    this.repository = repository;
    this.reembedder = reembedder;
    this.sync = sync;
    this.embedder = embedder;
  }

  RebuildMemoryIndexResponse rebuild(String tenantId, RebuildMemoryIndexRequest request) {
    String model = request.getEmbeddingModel();
    if (!model.isEmpty() && !model.equals(embedder.model())) {
      throw NerveException.invalid(
          "embeddingModel",
          "supported",
          "this deployment embeds with '" + embedder.model() + "'; set nerve.memory.embedding.local-model or endpoint and model to switch");
    }
    boolean both = !request.getKeyword() && !request.getVector();
    long start = System.nanoTime();
    if (both || request.getVector()) {
      String after = "";
      while (true) {
        List<String> ids = repository.tenantIds(tenantId, after, PAGE);
        if (ids.isEmpty()) {
          break;
        }
        reembedder.reembed(repository.rowsById(ids));
        after = ids.get(ids.size() - 1);
      }
    }
    long indexed = sync.rebuildTenant(tenantId, after -> repository.tenantIds(tenantId, after, PAGE));
    return RebuildMemoryIndexResponse.newBuilder()
        .setMemoriesIndexed(indexed)
        .setEmbeddingModel(embedder.model())
        .setEmbeddingDimension(embedder.dimension())
        .setDuration(Durations.fromNanos(System.nanoTime() - start))
        .build();
  }
}
