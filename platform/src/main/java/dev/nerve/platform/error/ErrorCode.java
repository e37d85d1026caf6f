package dev.nerve.platform.error;

import io.grpc.Status;

/** Domain error categories, each bound to exactly one gRPC status code. */
public enum ErrorCode {
  /** Input breaks a rule; the response names the field and the rule. */
  INVALID_ARGUMENT(Status.Code.INVALID_ARGUMENT),
  /** The object does not exist in the caller's scope (also used to hide other tenants' objects). */
  NOT_FOUND(Status.Code.NOT_FOUND),
  /** An object with the same identity already exists. */
  ALREADY_EXISTS(Status.Code.ALREADY_EXISTS),
  /** A concurrent change won (stale expected version). */
  CONFLICT(Status.Code.ABORTED),
  /** The caller is known but lacks the permission. */
  PERMISSION_DENIED(Status.Code.PERMISSION_DENIED),
  /** The caller did not prove who they are. */
  UNAUTHENTICATED(Status.Code.UNAUTHENTICATED),
  /** A quota or rate limit of the caller was exceeded. */
  RESOURCE_EXHAUSTED(Status.Code.RESOURCE_EXHAUSTED),
  /**
   * The service is at capacity (a bounded queue is full); nothing was done, retry after the
   * suggested delay. Travels as RESOURCE_EXHAUSTED with this reason.
   */
  OVERLOADED(Status.Code.RESOURCE_EXHAUSTED),
  /** The system is not in a state that allows the operation. */
  FAILED_PRECONDITION(Status.Code.FAILED_PRECONDITION),
  /**
   * A dependency (database, Redis, another service) cannot be reached right now. Nothing was done,
   * so the call is safe to retry.
   */
  UNAVAILABLE(Status.Code.UNAVAILABLE),
  /**
   * The call's deadline passed, or the connection was lost while committing: the outcome is
   * unknown. Retry with the same {@code request_id} to get the first result without a second write.
   */
  DEADLINE_EXCEEDED(Status.Code.DEADLINE_EXCEEDED),
  /** The operation is part of the contract but not provided by this build. */
  UNIMPLEMENTED(Status.Code.UNIMPLEMENTED),
  /** A defect; details are logged, never returned. */
  INTERNAL(Status.Code.INTERNAL);

  private final Status.Code grpcCode;

  ErrorCode(Status.Code grpcCode) {
    this.grpcCode = grpcCode;
  }

  /** The gRPC status code this category travels as. */
  public Status.Code grpcCode() {
    return grpcCode;
  }

  /**
   * The message a client sees when the real one must stay in the log (errors from the transport or
   * from a store, whose details name hosts, ports and internals).
   */
  public String plainMessage() {
    return switch (this) {
      case UNAVAILABLE -> "the service is temporarily unavailable; retry later";
      case DEADLINE_EXCEEDED ->
          "the deadline passed before the outcome was known; retry with the same requestId";
      case OVERLOADED -> "the service is at capacity; retry later";
      case INTERNAL -> "internal error";
      default -> name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    };
  }
}
