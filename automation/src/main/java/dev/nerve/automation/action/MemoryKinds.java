package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import java.util.concurrent.TimeUnit;

/**
 * {@code memory.store} and {@code memory.search}: long-term memory of the user a run belongs to,
 * over nerve.memory.v1.LongTermMemoryService. Parameters are the JSON of StoreMemoryRequest and
 * SearchMemoriesRequest; the output is the response's JSON.
 */
final class MemoryKinds {

  private MemoryKinds() {}

  static ActionKind store(ChannelFactory channels) {
    return new ActionKind() {
      @Override
      public String id() {
        return "memory.store";
      }

      @Override
      public dev.nerve.api.automation.v1.ActionKind category() {
        return dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_MEMORY_STORE;
      }

      @Override
      public String description() {
        return "Stores a long-term memory (StoreMemoryRequest: text, tags, source, importance, metadata, scope).";
      }

      @Override
      public Struct inputSchema() {
        return Schemas.of(
            "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\",\"minLength\":1}},\"required\":[\"text\"]}");
      }

      @Override
      public Value run(Invocation call) {
        StoreMemoryRequest request = ServiceCalls.request(call.params(), StoreMemoryRequest.newBuilder()).build();
        return ServiceCalls.call(
            call,
            () ->
                LongTermMemoryServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY))
                    .withDeadlineAfter(call.remainingMillis(), TimeUnit.MILLISECONDS)
                    .store(request));
      }
    };
  }

  static ActionKind search(ChannelFactory channels) {
    return new ActionKind() {
      @Override
      public String id() {
        return "memory.search";
      }

      @Override
      public dev.nerve.api.automation.v1.ActionKind category() {
        return dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_MEMORY_SEARCH;
      }

      @Override
      public String description() {
        return "Searches long-term memory (SearchMemoriesRequest: query, tagsAny, page, minScore, ...).";
      }

      @Override
      public Struct inputSchema() {
        return Schemas.of(
            "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\",\"minLength\":1}},\"required\":[\"query\"]}");
      }

      @Override
      public Value run(Invocation call) {
        SearchMemoriesRequest request =
            ServiceCalls.request(call.params(), SearchMemoriesRequest.newBuilder()).build();
        return ServiceCalls.call(
            call,
            () ->
                LongTermMemoryServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY))
                    .withDeadlineAfter(call.remainingMillis(), TimeUnit.MILLISECONDS)
                    .search(request));
      }
    };
  }
}
