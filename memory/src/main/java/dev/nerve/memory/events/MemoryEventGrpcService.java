package dev.nerve.memory.events;

import dev.nerve.api.memory.v1.MemoryEvent;
import dev.nerve.api.memory.v1.MemoryEventServiceGrpc;
import dev.nerve.api.memory.v1.MemoryEventType;
import dev.nerve.api.memory.v1.WatchMemoryEventsRequest;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Queue;
import java.util.Set;

/**
 * gRPC adapter for memory events: streams the caller's own changes until the caller cancels. A
 * watcher that cannot keep up (more than {@value #MAX_PENDING} events waiting for a slow client) is
 * ended with RESOURCE_EXHAUSTED rather than buffering without bound.
 */
final class MemoryEventGrpcService extends MemoryEventServiceGrpc.MemoryEventServiceImplBase {

  static final int MAX_PENDING = 1000;

  private final MemoryEventFeed feed;

  MemoryEventGrpcService(MemoryEventFeed feed) {
    this.feed = feed;
  }

  @Override
  public void watch(WatchMemoryEventsRequest request, StreamObserver<MemoryEvent> response) {
    Identity caller = IdentityContext.require();
    Set<MemoryEventType> types = EnumSet.noneOf(MemoryEventType.class);
    for (MemoryEventType type : request.getTypesList()) {
      if (type == MemoryEventType.MEMORY_EVENT_TYPE_UNSPECIFIED || type == MemoryEventType.UNRECOGNIZED) {
        throw NerveException.invalid("types", "enum", "must name known event types");
      }
      types.add(type);
    }
    ServerCallStreamObserver<MemoryEvent> stream = (ServerCallStreamObserver<MemoryEvent>) response;
    Outbox outbox = new Outbox(stream);
    MemoryEventFeed.Watcher watcher =
        new MemoryEventFeed.Watcher(caller.tenantId(), caller.userId(), types, outbox::offer);
    stream.setOnReadyHandler(outbox::drain);
    stream.setOnCancelHandler(() -> feed.remove(watcher));
    feed.add(watcher);
  }

  /** Events waiting for the client to be ready, bounded. */
  private final class Outbox {
    private final ServerCallStreamObserver<MemoryEvent> stream;
    private final Queue<MemoryEvent> pending = new ArrayDeque<>();
    private boolean closed;

    Outbox(ServerCallStreamObserver<MemoryEvent> stream) {
      this.stream = stream;
    }

    synchronized void offer(MemoryEvent event) {
      if (closed) {
        return;
      }
      if (pending.size() >= MAX_PENDING) {
        closed = true;
        stream.onError(
            GrpcErrors.toStatus(
                new NerveException(ErrorCode.RESOURCE_EXHAUSTED, "the client reads memory events too slowly")));
        return;
      }
      pending.add(event);
      drain();
    }

    synchronized void drain() {
      while (!closed && stream.isReady() && !pending.isEmpty() && !stream.isCancelled()) {
        stream.onNext(pending.poll());
      }
    }
  }
}
