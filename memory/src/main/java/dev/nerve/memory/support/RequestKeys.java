package dev.nerve.memory.support;

import dev.nerve.platform.idempotency.IdempotencyKeys;
import dev.nerve.platform.idempotency.RequestKey;
import dev.nerve.platform.identity.Identity;
import io.grpc.MethodDescriptor;

/** The idempotency key of a memory write: the caller, the RPC and the request's {@code request_id}. */
public final class RequestKeys {

  private RequestKeys() {}

  /** The key of a request, or null when it carries no {@code request_id}. */
  public static RequestKey of(Identity identity, MethodDescriptor<?, ?> method, String requestId) {
    return IdempotencyKeys.requestId("requestId", requestId)
        .map(id -> new RequestKey(identity.tenantId(), identity.userId(), method.getFullMethodName(), id))
        .orElse(null);
  }
}
