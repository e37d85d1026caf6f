package dev.nerve.memory.longterm;

import static dev.nerve.memory.MemoryTests.as;

import com.google.protobuf.Struct;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.SearchResult;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreMemoryResponse;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.target.Target;
import java.util.List;

/** Shorthands for long-term memory calls in tests. */
final class LongTermFixture {

  private final ChannelFactory channels;

  LongTermFixture(ChannelFactory channels) {
    this.channels = channels;
  }

  LongTermMemoryServiceGrpc.LongTermMemoryServiceBlockingStub stub() {
    return LongTermMemoryServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY));
  }

  StoreMemoryResponse store(Identity who, String text, String... tags) {
    return store(who, StoreMemoryRequest.newBuilder().setText(text).addAllTags(List.of(tags)).build());
  }

  StoreMemoryResponse store(Identity who, StoreMemoryRequest request) {
    return as(who, () -> stub().store(request));
  }

  SearchResult search(Identity who, SearchMemoriesRequest request) {
    return as(who, () -> stub().search(request));
  }

  SearchResult search(Identity who, String query) {
    return search(who, SearchMemoriesRequest.newBuilder().setQuery(query).build());
  }

  List<String> texts(SearchResult result) {
    return result.getHitsList().stream().map(h -> h.getMemory().getText()).toList();
  }

  static MemoryScope agent(String agent) {
    return MemoryScope.newBuilder().setAgentId(agent).build();
  }

  static Struct json(String json) {
    return dev.nerve.memory.support.Json.struct(json);
  }
}
