package dev.nerve.platform.error;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one translation between domain errors and gRPC statuses, used by the server interceptor to
 * send and by clients (the gateway) to read them back.
 */
public final class GrpcErrors {

  /** {@code google.rpc.ErrorInfo.domain} of every Nerve error. */
  public static final String DOMAIN = "nerve";

  private GrpcErrors() {}

  /** Encodes a domain error as a status with ErrorInfo and, for bad input, BadRequest details. */
  public static StatusRuntimeException toStatus(NerveException error) {
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder()
            .setCode(error.code().grpcCode().value())
            .setMessage(error.getMessage() == null ? error.code().name() : error.getMessage())
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setDomain(DOMAIN)
                        .setReason(error.code().name())
                        .build()));
    if (!error.violations().isEmpty()) {
      BadRequest.Builder badRequest = BadRequest.newBuilder();
      for (FieldViolation v : error.violations()) {
        badRequest.addFieldViolations(
            BadRequest.FieldViolation.newBuilder()
                .setField(v.field())
                .setReason(v.rule())
                .setDescription(v.description()));
      }
      status.addDetails(Any.pack(badRequest.build()));
    }
    error
        .retryAfter()
        .ifPresent(
            delay ->
                status.addDetails(
                    Any.pack(
                        RetryInfo.newBuilder()
                            .setRetryDelay(
                                com.google.protobuf.Duration.newBuilder()
                                    .setSeconds(delay.getSeconds())
                                    .setNanos(delay.getNano()))
                            .build())));
    return StatusProto.toStatusRuntimeException(status.build());
  }

  /**
   * Reads a status received from a service back into a domain error. A status without Nerve's
   * ErrorInfo comes from the transport or a foreign server; its description (hosts, ports,
   * internals) stays in the cause, and the error carries the code's plain message instead.
   */
  public static NerveException fromStatus(StatusRuntimeException e) {
    Status status = e.getStatus();
    Optional<ErrorCode> reason = reason(e);
    ErrorCode code = reason.orElseGet(() -> codeOf(status.getCode()));
    String message =
        reason.isPresent() && status.getDescription() != null ? status.getDescription() : code.plainMessage();
    Duration retryAfter =
        retryAfter(e).orElse(code == ErrorCode.UNAVAILABLE ? Duration.ofSeconds(1) : null);
    return new NerveException(code, message, violations(e), e, retryAfter);
  }

  /** Whether the status carries Nerve's ErrorInfo (so its message was written for clients). */
  public static boolean fromNerve(StatusRuntimeException e) {
    return reason(e).isPresent();
  }

  private static Optional<Duration> retryAfter(StatusRuntimeException e) {
    com.google.rpc.Status proto = StatusProto.fromThrowable(e);
    if (proto == null) {
      return Optional.empty();
    }
    for (Any detail : proto.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
          return Optional.of(Duration.ofSeconds(delay.getSeconds(), delay.getNanos()));
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<ErrorCode> reason(StatusRuntimeException e) {
    com.google.rpc.Status proto = StatusProto.fromThrowable(e);
    if (proto == null) {
      return Optional.empty();
    }
    for (Any detail : proto.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          ErrorInfo info = detail.unpack(ErrorInfo.class);
          if (DOMAIN.equals(info.getDomain())) {
            return Optional.of(ErrorCode.valueOf(info.getReason()));
          }
        } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException ex) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static List<FieldViolation> violations(StatusRuntimeException e) {
    com.google.rpc.Status proto = StatusProto.fromThrowable(e);
    List<FieldViolation> result = new ArrayList<>();
    if (proto == null) {
      return result;
    }
    for (Any detail : proto.getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        try {
          for (BadRequest.FieldViolation v : detail.unpack(BadRequest.class).getFieldViolationsList()) {
            result.add(new FieldViolation(v.getField(), v.getReason(), v.getDescription()));
          }
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          return result;
        }
      }
    }
    return result;
  }

  /** Category of a status that carries no Nerve ErrorInfo (transport errors, other servers). */
  static ErrorCode codeOf(Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> ErrorCode.INVALID_ARGUMENT;
      case NOT_FOUND -> ErrorCode.NOT_FOUND;
      case ALREADY_EXISTS -> ErrorCode.ALREADY_EXISTS;
      case ABORTED -> ErrorCode.CONFLICT;
      case PERMISSION_DENIED -> ErrorCode.PERMISSION_DENIED;
      case UNAUTHENTICATED -> ErrorCode.UNAUTHENTICATED;
      case RESOURCE_EXHAUSTED -> ErrorCode.RESOURCE_EXHAUSTED;
      case FAILED_PRECONDITION -> ErrorCode.FAILED_PRECONDITION;
      case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
      // The call may have run to the end on the other side: the outcome is unknown.
      case DEADLINE_EXCEEDED, CANCELLED -> ErrorCode.DEADLINE_EXCEEDED;
      case UNIMPLEMENTED -> ErrorCode.UNIMPLEMENTED;
      default -> ErrorCode.INTERNAL;
    };
  }
}
