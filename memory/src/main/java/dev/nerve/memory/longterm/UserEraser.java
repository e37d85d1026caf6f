package dev.nerve.memory.longterm;

import dev.nerve.api.memory.v1.ForgetUserResponse;
import dev.nerve.memory.context.Contexts;
import dev.nerve.memory.shortterm.ShortTermMemory;
import dev.nerve.memory.support.Times;
import java.time.Instant;

/** Right to be forgotten: erases a user's long-term memories, short-term items and contexts. */
final class UserEraser {

  private final LongTermMemories memories;
  private final ShortTermMemory shortTerm;
  private final Contexts contexts;

  UserEraser(LongTermMemories memories, ShortTermMemory shortTerm, Contexts contexts) {
    this.memories = memories;
    this.shortTerm = shortTerm;
    this.contexts = contexts;
  }

  ForgetUserResponse forget(String tenantId, String userId) {
    long[] longTerm = memories.forget(tenantId, userId);
    long items = shortTerm.forget(tenantId, userId);
    long contextCount = contexts.forget(tenantId, userId);
    return ForgetUserResponse.newBuilder()
        .setUserId(userId)
        .setMemoriesDeleted(longTerm[0])
        .setVersionsDeleted(longTerm[1])
        .setShortTermItemsDeleted(items)
        .setContextsDeleted(contextCount)
        .setForgottenAt(Times.proto(Instant.now()))
        .build();
  }
}
