package dev.nerve.memory.context;

import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.util.Durations;
import dev.nerve.api.memory.v1.Context;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.memory.support.Inputs;
import dev.nerve.memory.support.Json;
import dev.nerve.memory.support.MemoryEvents;
import dev.nerve.memory.support.Owner;
import dev.nerve.memory.support.Times;
import dev.nerve.platform.error.NerveException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Context operations: every write is a new version in one transaction (current row locked, so
 * expected versions are checked race-free), followed by cache update and a {@code context.*}
 * event.
 */
public final class Contexts {

  private final ContextRepository repository;
  private final ContextCache cache;
  private final TransactionTemplate tx;
  private final MemoryEvents events;
  private final Inputs inputs;

  Contexts(
      ContextRepository repository,
      ContextCache cache,
      TransactionTemplate tx,
      MemoryEvents events,
      Inputs inputs) {
    this.inputs = inputs;
    this.repository = repository;
    this.cache = cache;
    this.tx = tx;
    this.events = events;
  }

  /** A context to write: everything but the bookkeeping fields. */
  record Draft(
      String id, String kind, MemoryScope scope, Struct data, int tokenBudget, Duration ttl, Long expectedVersion) {}

  Context manage(Owner owner, Draft draft) {
    return manage(owner, draft, context -> {});
  }

  /** As {@link #manage(Owner, Draft)}, handing the result to {@code beforeCommit} inside the transaction. */
  Context manage(Owner owner, Draft draft, java.util.function.Consumer<Context> beforeCommit) {
    String id = draft.id().isEmpty() ? UUID.randomUUID().toString() : draft.id();
    Written written =
        tx.execute(
            status -> {
              Instant now = Times.now();
              Optional<Context> current = live(repository.lock(owner.tenantId(), owner.userId(), id), now);
              check(id, current, draft.expectedVersion());
              Context next =
                  build(id, draft.kind(), draft.scope(), draft.data(), draft.tokenBudget(), draft.ttl(), current, now);
              save(owner, next, current, now);
              beforeCommit.accept(next);
              return new Written(next, current.isEmpty());
            });
    return published(owner, written);
  }

  Context update(Owner owner, String id, Struct patch, Long expectedVersion) {
    Written written =
        tx.execute(
            status -> {
              Instant now = Times.now();
              Context current =
                  live(repository.lock(owner.tenantId(), owner.userId(), id), now)
                      .orElseThrow(() -> NerveException.notFound("context", id));
              check(id, Optional.of(current), expectedVersion);
              Context next =
                  build(
                      id,
                      current.getKind(),
                      current.getScope(),
                      MergePatch.apply(current.getData(), patch),
                      current.getTokenBudget(),
                      current.hasTtl() ? current.getTtl() : null,
                      Optional.of(current),
                      now);
              save(owner, next, Optional.of(current), now);
              return new Written(next, false);
            });
    return published(owner, written);
  }

  Context get(Owner owner, String id, Long version) {
    Instant now = Instant.now();
    if (version != null) {
      return repository
          .findVersion(owner.tenantId(), owner.userId(), id, version, now)
          .orElseThrow(() -> NerveException.notFound("context version", id + "@" + version));
    }
    String key = ContextCache.key(owner.tenantId(), owner.userId(), id);
    Optional<Context> cached =
        cache.get(key).filter(c -> !c.hasExpiresAt() || Times.instant(c.getExpiresAt()).isAfter(now));
    if (cached.isPresent()) {
      return cached.get();
    }
    Context context =
        repository
            .find(owner.tenantId(), owner.userId(), id, now)
            .orElseThrow(() -> NerveException.notFound("context", id));
    cache.fill(key, context);
    return context;
  }

  List<Context> list(Owner owner, String kind, Long afterMicros, String afterId, int limit) {
    return repository.list(
        owner.tenantId(), owner.userId(), owner.scope(), kind, afterMicros, afterId, limit, Instant.now());
  }

  Instant delete(Owner owner, String id, Long expectedVersion) {
    Context deleted =
        tx.execute(
            status -> {
              Context current =
                  live(repository.lock(owner.tenantId(), owner.userId(), id), Instant.now())
                      .orElseThrow(() -> NerveException.notFound("context", id));
              check(id, Optional.of(current), expectedVersion);
              repository.delete(owner.tenantId(), owner.userId(), id);
              return current;
            });
    cache.deleted(ContextCache.key(owner.tenantId(), owner.userId(), id));
    events.publish("context.deleted", scoped(owner, deleted), id, deleted.getVersion());
    return Instant.now();
  }

  List<Context> versions(Owner owner, String id, Long beforeVersion, int limit) {
    if (repository.find(owner.tenantId(), owner.userId(), id, Instant.now()).isEmpty()) {
      throw NerveException.notFound("context", id);
    }
    return repository.versions(owner.tenantId(), owner.userId(), id, beforeVersion, limit);
  }

  /** Deletes every context of a user; returns how many there were. */
  public long forget(String tenantId, String userId) {
    return tx.execute(status -> repository.forget(tenantId, userId));
  }

  /** Deletes up to {@code batch} expired contexts; returns how many. */
  public int purgeExpired(int batch) {
    return repository.purgeExpired(Instant.now(), batch);
  }

  /** Rough prompt size of the data: a token is about four characters of JSON. */
  static int tokens(Struct data) {
    return (Json.print(data).getBytes(StandardCharsets.UTF_8).length + 3) / 4;
  }

  private record Written(Context context, boolean created) {}

  private Context published(Owner owner, Written written) {
    Context context = written.context();
    cache.written(ContextCache.key(owner.tenantId(), owner.userId(), context.getId()), context, written.created());
    events.publish("context.updated", scoped(owner, context), context.getId(), context.getVersion());
    return context;
  }

  private static Owner scoped(Owner owner, Context context) {
    return new Owner(
        owner.tenantId(), owner.userId(), context.getScope().getAgentId(), context.getScope().getSessionId());
  }

  private void save(Owner owner, Context next, Optional<Context> current, Instant now) {
    if (current.isEmpty()) {
      // An expired predecessor with the same id is replaced from scratch.
      repository.delete(owner.tenantId(), owner.userId(), next.getId());
    }
    repository.save(owner.tenantId(), owner.userId(), next, current.isPresent());
  }

  private static Optional<Context> live(Optional<Context> context, Instant now) {
    return context.filter(c -> !c.hasExpiresAt() || Times.instant(c.getExpiresAt()).isAfter(now));
  }

  private static void check(String id, Optional<Context> current, Long expected) {
    if (expected == null) {
      return;
    }
    long actual = current.map(Context::getVersion).orElse(0L);
    if (actual != expected) {
      throw NerveException.conflict(
          "context '" + id + "' is at version " + actual + ", not the expected " + expected);
    }
  }

  private Context build(
      String id,
      String kind,
      MemoryScope scope,
      Struct data,
      int tokenBudget,
      Duration ttl,
      Optional<Context> current,
      Instant now) {
    inputs.json("data", data);
    int tokens = tokens(data);
    if (tokenBudget > 0 && tokens > tokenBudget) {
      throw NerveException.invalid(
          "data", "token_budget", "takes about " + tokens + " tokens, over the budget of " + tokenBudget);
    }
    Context.Builder context =
        Context.newBuilder()
            .setId(id)
            .setKind(kind)
            .setScope(scope)
            .setData(data)
            .setTokenBudget(tokenBudget)
            .setTokenCount(tokens)
            .setVersion(current.map(c -> c.getVersion() + 1).orElse(1L))
            .setCreatedAt(current.map(Context::getCreatedAt).orElse(Times.proto(now)))
            .setUpdatedAt(Times.proto(now));
    if (ttl != null) {
      context.setTtl(ttl);
      context.setExpiresAt(Times.proto(now.plusMillis(Durations.toMillis(ttl))));
    }
    return context.build();
  }
}
