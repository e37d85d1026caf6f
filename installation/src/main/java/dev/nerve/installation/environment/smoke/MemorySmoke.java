package dev.nerve.installation.environment.smoke;

import dev.nerve.api.memory.v1.DedupeMode;
import dev.nerve.api.memory.v1.DedupePolicy;
import dev.nerve.api.memory.v1.DeleteMemoryRequest;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.SearchResult;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.installation.environment.Finding;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import io.grpc.Channel;
import java.util.UUID;

/** Memory works: store a long-term memory, find it by search, delete it. */
final class MemorySmoke extends SystemSmoke {

  MemorySmoke(ChannelFactory channels) {
    super(Target.MEMORY, channels);
  }

  @Override
  public String title() {
    return "Memory stores and finds a memory";
  }

  @Override
  Finding smoke(Channel channel, String where) throws InterruptedException {
    // A word no other text holds, so the keyword ranking finds exactly this memory.
    String marker = "verify" + UUID.randomUUID().toString().replace("-", "");
    Memory stored =
        step(
            "store a memory",
            () ->
                deadline(LongTermMemoryServiceGrpc.newBlockingStub(channel))
                    .store(
                        StoreMemoryRequest.newBuilder()
                            .setText("Installation verification probe " + marker)
                            .setSource("installation.verify")
                            .addTags("nerve-verify")
                            .setDedupe(DedupePolicy.newBuilder().setMode(DedupeMode.DEDUPE_MODE_OFF))
                            .build())
                    .getMemory());
    try {
      boolean found = false;
      for (int attempt = 0; attempt < 10 && !found; attempt++) {
        if (attempt > 0) {
          Thread.sleep(200);
        }
        SearchResult result =
            step(
                "search for the memory",
                () ->
                    deadline(LongTermMemoryServiceGrpc.newBlockingStub(channel))
                        .search(SearchMemoriesRequest.newBuilder().setQuery(marker).build()));
        found = result.getHitsList().stream().anyMatch(hit -> hit.getMemory().getId().equals(stored.getId()));
      }
      expect(found, "find the stored memory by search", "a search for its text did not return it within 2 s");
    } finally {
      step(
          "delete the memory it stored (left in tenant " + TENANT + ")",
          () ->
              deadline(LongTermMemoryServiceGrpc.newBlockingStub(channel))
                  .delete(DeleteMemoryRequest.newBuilder().setId(stored.getId()).build()));
    }
    return Finding.ok(
        "stored a memory (embedded by " + stored.getEmbeddingModel() + ", " + stored.getEmbeddingDimension()
            + " dimensions), found it by search and deleted it " + where);
  }
}
