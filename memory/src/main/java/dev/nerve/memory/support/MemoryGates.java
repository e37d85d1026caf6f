package dev.nerve.memory.support;

import dev.nerve.memory.MemoryProperties;
import dev.nerve.platform.admission.Gate;
import dev.nerve.platform.admission.GateServerInterceptor;
import dev.nerve.platform.security.Permission;
import dev.nerve.platform.security.RpcOperation;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Memory's back-pressure: one bounded queue in front of embedding (every store, update and search
 * embeds text) and one in front of its write RPCs (those whose permission is not a read), with
 * queue depth as metrics ({@code nerve.queue.depth{queue=memory.embedding|memory.write}}).
 */
public final class MemoryGates {

  private final Gate embedding;
  private final GateServerInterceptor writes;

  public MemoryGates(MemoryProperties.Admission settings, MeterRegistry meters) {
    int cores = Runtime.getRuntime().availableProcessors();
    this.embedding =
        new Gate(
            "memory.embedding",
            settings.embeddingConcurrency() > 0 ? settings.embeddingConcurrency() : cores,
            settings.embeddingQueue(),
            settings.maxWait(),
            meters);
    this.writes =
        new GateServerInterceptor(
            new Gate("memory.write", settings.writeConcurrency(), settings.writeQueue(), settings.maxWait(), meters),
            MemoryGates::isWrite);
  }

  /** The queue every embedding passes. */
  public Gate embedding() {
    return embedding;
  }

  /** {@code service} with the write queue in front of its write methods. */
  public BindableService guardWrites(BindableService service) {
    return writes.guard(service);
  }

  static boolean isWrite(MethodDescriptor<?, ?> method) {
    return RpcOperation.of(method)
        .map(RpcOperation::permission)
        .map(p -> p != Permission.MEMORY_READ)
        .orElse(false);
  }
}
