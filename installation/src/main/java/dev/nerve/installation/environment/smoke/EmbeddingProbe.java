package dev.nerve.installation.environment.smoke;

import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.RankingWeights;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.installation.environment.Finding;
import dev.nerve.installation.environment.Probe;
import dev.nerve.installation.environment.SystemRoute;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * Memory's embedding model loads and embeds: a vector-only search through memory's contract, in
 * the verifier's empty tenant, needs the query embedded and writes nothing. A model file missing
 * from the data directory, or an unreachable embedding endpoint, fails here.
 */
final class EmbeddingProbe implements Probe {

  private final ChannelFactory channels;

  EmbeddingProbe(ChannelFactory channels) {
    this.channels = channels;
  }

  @Override
  public String id() {
    return "memory.embedding";
  }

  @Override
  public String group() {
    return "services";
  }

  @Override
  public String title() {
    return "Embedding model loadable";
  }

  @Override
  public Finding run() {
    Optional<SystemRoute> route = SystemRoute.of(channels, Target.MEMORY);
    if (route.isEmpty()) {
      return Finding.skipped(SystemRoute.notRunning(Target.MEMORY));
    }
    String where = route.get().where();
    long start = System.nanoTime();
    try {
      IdentityContext.callAs(
          SystemSmoke.VERIFIER,
          () ->
              SystemSmoke.deadline(LongTermMemoryServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY)))
                  .search(
                      SearchMemoriesRequest.newBuilder()
                          .setQuery("installation check of the embedding model")
                          .setWeights(RankingWeights.newBuilder().setKeywordWeight(0).setVectorWeight(1))
                          .setPage(PageRequest.newBuilder().setPageSize(1))
                          .build()));
    } catch (StatusRuntimeException e) {
      String description = e.getStatus().getDescription();
      return Finding.fail(
          "memory " + where + " could not embed a query: " + e.getStatus().getCode()
              + (description == null ? "" : ": " + description),
          "check nerve.memory.embedding.* : the local model must be in the executable or <data-dir>/models, an"
              + " embedding endpoint must answer; memory's log says which");
    }
    return Finding.ok(
        "memory " + where + " embedded a query in " + (System.nanoTime() - start) / 1_000_000 + " ms");
  }
}
