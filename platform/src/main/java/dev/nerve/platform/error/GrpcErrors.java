package dev.nerve.platform.error;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
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
    return StatusProto.toStatusRuntimeException(status.build());
  }

  /** Reads a status received from a service back into a domain error. */
  public static NerveException fromStatus(StatusRuntimeException e) {
    Status status = e.getStatus();
    ErrorCode code = reason(e).orElseGet(() -> codeOf(status.getCode()));
    String message = status.getDescription() == null ? code.name() : status.getDescription();
    return new NerveException(code, message, violations(e), e);
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
      case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> ErrorCode.UNAVAILABLE;
      case UNIMPLEMENTED -> ErrorCode.UNIMPLEMENTED;
      default -> ErrorCode.INTERNAL;
    };
  }
}
