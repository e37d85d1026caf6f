package dev.nerve.installation.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.SetupConfig;
import dev.nerve.api.installation.v1.SetupResult;
import dev.nerve.api.installation.v1.SetupStep;
import dev.nerve.installation.InstallationTestApplication;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Setup where the gateway, which owns identities, cannot be reached (installation alone, no
 * gateway address): the plan fails at the signing-key step with a remedy and nothing is written;
 * and only administrators of the default tenant may run it at all.
 */
@SpringBootTest(
    classes = InstallationTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"nerve.targets=installation"})
class SetupServiceIT {

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;

  private SetupResult setup(Identity caller, SetupConfig config) {
    return IdentityContext.callAs(
        caller, () -> EnvironmentServiceGrpc.newBlockingStub(channels.channel(Target.INSTALLATION)).setup(config));
  }

  private static SetupConfig config(String suffix) {
    return SetupConfig.newBuilder()
        .setTenantName("Lone " + suffix)
        .setAdminUsername("lone-" + suffix)
        .setAdminPassword("long enough password")
        .putSettings("/rateLimits/perMinute", "600")
        .build();
  }

  @Test
  void withoutAGatewayTheSigningKeyStepFailsAndNothingIsWritten() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    SetupResult result = setup(new Identity("default", "setup-it", Set.of("admin")), config(suffix));

    SetupStep failed = result.getSteps(result.getStepsCount() - 1);
    assertThat(failed.getId()).isEqualTo("signing-key");
    assertThat(failed.getStatus()).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    assertThat(failed.getDetail())
        .startsWith("failed: the gateway could not ensure a token signing key: ")
        .contains("nerve.services.gateway.address");
    assertThat(result.getStepsList().subList(0, result.getStepsCount() - 1))
        .allSatisfy(step -> {
          assertThat(step.getChanged()).isFalse();
          assertThat(step.getDetail()).startsWith("not run: setup stopped before changing anything");
        });
    assertThat(result.getAlreadySetUp()).isFalse();
    assertThat(result.hasGeneratedPassword()).isFalse();
    assertThat(jdbc.sql("select count(*) from installation.configuration_version where tenant_id = ?")
            .param("lone-" + suffix).query(Long.class).single())
        .isZero();
  }

  @Test
  void onlyAdministratorsOfTheDefaultTenantMayRunIt() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    assertThatThrownBy(() -> setup(new Identity("default", "op", Set.of("operator")), config(suffix)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> setup(new Identity("elsewhere", "boss", Set.of("admin")), config(suffix)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("only administrators of tenant 'default' may run setup");
        });
  }
}
