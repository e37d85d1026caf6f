package dev.nerve.gateway.installation;

import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.VerifyEnvironmentRequest;
import dev.nerve.gateway.call.ServiceCalls;
import dev.nerve.platform.target.Target;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** REST for {@code installation.environment}. */
@RestController
@RequestMapping("/api/v1/environment")
@Tag(name = "Installation: environment", description = "Environment checks and verification")
class EnvironmentRestController {

  private final ServiceCalls calls;

  EnvironmentRestController(ServiceCalls calls) {
    this.calls = calls;
  }

  @GetMapping("/checks")
  @Operation(
      summary = "Run environment checks",
      description =
          "spec: installation.environment.check(). Runtime, PostgreSQL, migrations, Redis, disk and"
              + " gRPC health of every configured target, each with a remedy when not OK.")
  EnvironmentViews.StatusView checks(
      @Parameter(description = "Check ids to run; all when omitted")
          @RequestParam(name = "id", required = false)
          List<String> ids) {
    return EnvironmentViews.StatusView.of(
        calls.call(
            Target.INSTALLATION,
            EnvironmentServiceGrpc::newBlockingStub,
            stub -> stub.check(EnvironmentGraphQlController.request(ids))));
  }

  @PostMapping("/verifications")
  @Operation(
      summary = "Verify the installation",
      description =
          "spec: installation.environment.verify(). Runs every check and, unless roundTrip=false,"
              + " write/read probes against PostgreSQL and Redis.")
  EnvironmentViews.Verification verify(
      @RequestParam(name = "roundTrip", defaultValue = "true") boolean roundTrip) {
    return EnvironmentViews.Verification.of(
        calls.call(
            Target.INSTALLATION,
            EnvironmentServiceGrpc::newBlockingStub,
            stub -> stub.verify(VerifyEnvironmentRequest.newBuilder().setRoundTrip(roundTrip).build())));
  }
}
