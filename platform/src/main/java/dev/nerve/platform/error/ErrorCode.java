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
  /** A quota or rate limit was exceeded. */
  RESOURCE_EXHAUSTED(Status.Code.RESOURCE_EXHAUSTED),
  /** The system is not in a state that allows the operation. */
  FAILED_PRECONDITION(Status.Code.FAILED_PRECONDITION),
  /** A dependency (database, another service) cannot be reached right now; retry later. */
  UNAVAILABLE(Status.Code.UNAVAILABLE),
  /** The deadline passed after the work may have started; the outcome is unknown. */
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
}
