package dev.nerve.platform.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {

  @Test
  void domainErrorSurvivesTheWireWithItsViolations() {
    NerveException sent =
        NerveException.invalid(
            List.of(
                new FieldViolation("params.limit", "max", "must be at most 100"),
                new FieldViolation("params.query", "required", "must not be empty")));

    StatusRuntimeException status = GrpcErrors.toStatus(sent);
    NerveException received = GrpcErrors.fromStatus(status);

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(received.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(received.violations()).containsExactlyElementsOf(sent.violations());
    assertThat(received.getMessage()).contains("params.limit").contains("params.query");
  }

  @Test
  void conflictTravelsAsAbortedAndComesBackAsConflict() {
    StatusRuntimeException status = GrpcErrors.toStatus(NerveException.conflict("stale version 3"));

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(GrpcErrors.fromStatus(status).code()).isEqualTo(ErrorCode.CONFLICT);
  }

  @Test
  void transportStatusesWithoutDetailsMapByCode() {
    assertThat(GrpcErrors.fromStatus(Status.DEADLINE_EXCEEDED.asRuntimeException()).code())
        .as("an expired deadline leaves the outcome unknown, so it is never UNAVAILABLE")
        .isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    assertThat(GrpcErrors.fromStatus(Status.CANCELLED.asRuntimeException()).code())
        .isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    assertThat(GrpcErrors.fromStatus(Status.UNAVAILABLE.asRuntimeException()).code())
        .isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(GrpcErrors.fromStatus(Status.UNIMPLEMENTED.asRuntimeException()).code())
        .isEqualTo(ErrorCode.UNIMPLEMENTED);
    assertThat(GrpcErrors.fromStatus(Status.DATA_LOSS.asRuntimeException()).code())
        .isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void transportDescriptionsStayOutOfTheClientMessage() {
    NerveException received =
        GrpcErrors.fromStatus(
            Status.UNAVAILABLE.withDescription("io exception; target memory (10.0.3.7:9090)").asRuntimeException());

    assertThat(received.getMessage()).isEqualTo(ErrorCode.UNAVAILABLE.plainMessage()).doesNotContain("10.0.3.7");
    assertThat(received.retryAfter()).contains(java.time.Duration.ofSeconds(1));
  }

  @Test
  void retryAfterTravelsAsRetryInfo() {
    NerveException sent = NerveException.overloaded("write queue full", java.time.Duration.ofSeconds(2));

    StatusRuntimeException status = GrpcErrors.toStatus(sent);
    NerveException received = GrpcErrors.fromStatus(status);

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(received.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(received.retryAfter()).contains(java.time.Duration.ofSeconds(2));
  }

  @Test
  void everyErrorCodeRoundTrips() {
    for (ErrorCode code : ErrorCode.values()) {
      NerveException back = GrpcErrors.fromStatus(GrpcErrors.toStatus(new NerveException(code, "x")));
      assertThat(back.code()).as(code.name()).isEqualTo(code);
    }
  }
}
