package dev.nerve.memory.longterm;

import dev.nerve.api.memory.v1.StoreItemError;
import dev.nerve.api.memory.v1.StoreItemViolation;
import dev.nerve.api.memory.v1.StoreManyMemoriesRequest;
import dev.nerve.api.memory.v1.StoreManyMemoriesResponse;
import dev.nerve.api.memory.v1.StoreManyResult;
import dev.nerve.api.memory.v1.StoreOutcome;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import java.util.ArrayList;
import java.util.List;

/**
 * StoreMany: validates every item on its own, then stores the valid ones in one call of the store
 * path (one embedding batch, one transaction). An invalid item gets its own FAILED result, or, when
 * the caller asks for all or nothing, fails the call with every violation named
 * {@code items[i].<field>} before anything is written.
 */
final class BatchStore {

  /** Most items in one call. */
  static final int MAX_ITEMS = 256;

  private final LongTermMemories memories;
  private final LongTermRequests requests;

  BatchStore(LongTermMemories memories, LongTermRequests requests) {
    this.memories = memories;
    this.requests = requests;
  }

  StoreManyMemoriesResponse store(Identity identity, StoreManyMemoriesRequest request) {
    int count = request.getItemsCount();
    if (count == 0) {
      throw NerveException.invalid("items", "required", "must hold at least one memory");
    }
    if (count > MAX_ITEMS) {
      throw NerveException.invalid("items", "max_items", "at most " + MAX_ITEMS + " memories per call");
    }
    List<LongTermMemories.Draft> drafts = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    StoreManyResult[] results = new StoreManyResult[count];
    List<FieldViolation> violations = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      try {
        drafts.add(requests.draft(identity, request.getItems(i)));
        positions.add(i);
      } catch (NerveException e) {
        if (e.code() != ErrorCode.INVALID_ARGUMENT) {
          throw e;
        }
        for (FieldViolation v : e.violations()) {
          violations.add(new FieldViolation("items[" + i + "]." + v.field(), v.rule(), v.description()));
        }
        results[i] = failed(i, e);
      }
    }
    if (request.getAllOrNothing() && !violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
    List<LongTermMemories.Stored> stored = memories.storeAll(drafts);
    for (int k = 0; k < stored.size(); k++) {
      LongTermMemories.Stored s = stored.get(k);
      int i = positions.get(k);
      StoreManyResult.Builder result =
          StoreManyResult.newBuilder().setIndex(i).setOutcome(s.outcome().toProto()).setMemory(s.memory());
      if (s.deduplicated()) {
        result.setExistingMemoryId(s.memory().getId());
      }
      results[i] = result.build();
    }
    int failed = count - stored.size();
    return StoreManyMemoriesResponse.newBuilder()
        .addAllResults(List.of(results))
        .setStored(stored.size())
        .setFailed(failed)
        .build();
  }

  private static StoreManyResult failed(int index, NerveException e) {
    StoreItemError.Builder error = StoreItemError.newBuilder().setCode(e.code().name()).setMessage(e.getMessage());
    for (FieldViolation v : e.violations()) {
      error.addViolations(
          StoreItemViolation.newBuilder().setField(v.field()).setRule(v.rule()).setDescription(v.description()));
    }
    return StoreManyResult.newBuilder()
        .setIndex(index)
        .setOutcome(StoreOutcome.STORE_OUTCOME_FAILED)
        .setError(error)
        .build();
  }
}
