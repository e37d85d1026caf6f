package dev.nerve.installation.setup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.SetupConfig;
import dev.nerve.api.installation.v1.SetupResult;
import dev.nerve.api.installation.v1.SetupStep;
import dev.nerve.installation.InstallationTestApplication;
import dev.nerve.installation.dependency.FakeExtensionService;
import dev.nerve.installation.dependency.TestPackages;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Setup's {@code extensions} step with real PostgreSQL: the deployment's default source and
 * extension (configured in {@code nerve.installation.setup}) are installed for the set-up tenant
 * and loaded by the SDK system on the first run, a second run leaves them unchanged, and a default
 * that cannot be resolved fails the plan so nothing at all is written. The gateway's provisioning
 * service and the SDK system are fakes on real gRPC ports, reached as in a split deployment.
 */
@SpringBootTest(
    classes = InstallationTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "nerve.targets=installation",
      "nerve.installation.setup.default-sources[0].name=defaults",
      "nerve.installation.setup.default-sources[0].kind=DIRECTORY",
      "nerve.installation.setup.default-sources[0].location=defaults",
      "nerve.installation.setup.default-extensions[0].name=greeter",
      "nerve.installation.setup.default-extensions[0].version-range=^1.0",
      "nerve.database.max-pool-size=4"
    })
class SetupExtensionsIT {

  static final FakeExtensionService SDK = new FakeExtensionService();
  static final FakeProvisioningService GATEWAY = new FakeProvisioningService();
  static final Server SERVER;
  static final Path ROOT;

  static {
    try {
      SERVER = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(SDK).addService(GATEWAY).build().start();
      ROOT = Files.createTempDirectory("nerve-default-packages");
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("nerve.services.sdk.address", () -> "127.0.0.1:" + SERVER.getPort());
    registry.add("nerve.services.gateway.address", () -> "127.0.0.1:" + SERVER.getPort());
    registry.add("nerve.installation.packages.directory-root", ROOT::toString);
  }

  @AfterAll
  static void stop() {
    SERVER.shutdownNow();
  }

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;

  String suffix;
  String tenant;

  @BeforeEach
  void freshTenant() {
    SDK.reset();
    suffix = UUID.randomUUID().toString().substring(0, 8);
    tenant = "ext-" + suffix;
  }

  private SetupResult setup() {
    SetupConfig config = SetupConfig.newBuilder()
        .setTenantName("Ext " + suffix)
        .setAdminUsername("ext-" + suffix)
        .setAdminPassword("long enough password")
        .build();
    return IdentityContext.callAs(new Identity("default", "setup-it", Set.of("admin")),
        () -> EnvironmentServiceGrpc.newBlockingStub(channels.channel(Target.INSTALLATION)).setup(config));
  }

  private static Map<String, String> details(SetupResult result) {
    Map<String, String> details = new LinkedHashMap<>();
    result.getStepsList().forEach(step -> details.put(step.getId(), step.getDetail()));
    return details;
  }

  private List<String> installed() {
    return jdbc.sql("select name || ' ' || version || ' ' || coalesce(requested_range, '-') from installation.installed_package"
            + " where tenant_id = ? order by name")
        .param(tenant).query(String.class).list();
  }

  private List<String> sources() {
    return jdbc.sql("select name || ' ' || kind || ' ' || location from installation.package_source where tenant_id = ?")
        .param(tenant).query(String.class).list();
  }

  private long configurationVersions() {
    return jdbc.sql("select count(*) from installation.configuration_version where tenant_id = ?")
        .param(tenant).query(Long.class).single();
  }

  @Test
  void defaultsAreInstalledAndLoadedOnTheFirstRunAndUnchangedOnTheSecond() {
    new TestPackages(ROOT.resolve("defaults"))
        .add("base", "1.0.0")
        .add("greeter", "1.0.0", "base ^1.0")
        .add("greeter", "1.2.0", "base ^1.0")
        .add("greeter", "2.0.0", "base ^1.0");

    SetupResult first = setup();
    assertThat(first.getStepsList()).extracting(SetupStep::getId)
        .containsExactly("migrations", "master-key", "signing-key", "tenant", "admin", "configuration", "extensions");
    assertThat(first.getStepsList()).allSatisfy(step -> assertThat(step.getStatus()).isEqualTo(CheckStatus.CHECK_STATUS_OK));
    SetupStep extensions = first.getSteps(6);
    assertThat(extensions.getChanged()).isTrue();
    assertThat(extensions.getDetail())
        .startsWith("installed: ")
        .contains("base 1.0.0", "greeter 1.2.0", "package source defaults", "of tenant '" + tenant + "'");
    assertThat(installed()).containsExactly("base 1.0.0 -", "greeter 1.2.0 ^1.0");
    assertThat(sources()).containsExactly("defaults directory defaults");
    assertThat(SDK.loaded).containsEntry("base", "1.0.0").containsEntry("greeter", "1.2.0");
    assertThat(SDK.calls).containsExactly("load base 1.0.0", "load greeter 1.2.0");

    SetupResult second = setup();
    assertThat(second.getAlreadySetUp()).as(second.toString()).isTrue();
    assertThat(details(second).get("extensions"))
        .isEqualTo("unchanged: default extensions of tenant '" + tenant + "' installed (greeter 1.2.0)");
    assertThat(SDK.calls).hasSize(2);
    assertThat(installed()).containsExactly("base 1.0.0 -", "greeter 1.2.0 ^1.0");
  }

  @Test
  void aDryRunPlansTheInstallAndWritesNothing() {
    new TestPackages(ROOT.resolve("defaults")).add("base", "1.0.0").add("greeter", "1.0.0", "base ^1.0");

    SetupConfig config = SetupConfig.newBuilder()
        .setTenantName("Ext " + suffix).setAdminUsername("ext-" + suffix).setAdminPassword("long enough password").setDryRun(true).build();
    SetupResult plan = IdentityContext.callAs(new Identity("default", "setup-it", Set.of("admin")),
        () -> EnvironmentServiceGrpc.newBlockingStub(channels.channel(Target.INSTALLATION)).setup(config));

    assertThat(details(plan).get("extensions"))
        .startsWith("would install: ")
        .contains("base 1.0.0", "greeter 1.0.0", "package source defaults");
    assertThat(installed()).isEmpty();
    assertThat(sources()).isEmpty();
    assertThat(SDK.calls).isEmpty();
    assertThat(GATEWAY.tenants).doesNotContain(tenant);
  }

  @Test
  void aDefaultThatCannotBeResolvedFailsThePlanAndNothingIsWritten() {
    new TestPackages(ROOT.resolve("defaults")).add("base", "1.0.0").add("greeter", "2.0.0", "base ^1.0");

    SetupResult result = setup();

    SetupStep failed = result.getSteps(result.getStepsCount() - 1);
    assertThat(failed.getId()).isEqualTo("extensions");
    assertThat(failed.getStatus()).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    assertThat(failed.getDetail())
        .startsWith("failed: default extensions of tenant '" + tenant + "': cannot resolve the packages: ")
        .contains("greeter")
        .contains("nerve.installation.setup.default-extensions");
    assertThat(result.getStepsList().subList(0, result.getStepsCount() - 1))
        .allSatisfy(step -> {
          assertThat(step.getChanged()).isFalse();
          assertThat(step.getDetail()).startsWith("not run: setup stopped before changing anything");
        });
    assertThat(result.getAlreadySetUp()).isFalse();
    assertThat(GATEWAY.tenants).doesNotContain(tenant);
    assertThat(GATEWAY.admins).doesNotContain(tenant + "/ext-" + suffix);
    assertThat(configurationVersions()).isZero();
    assertThat(sources()).isEmpty();
    assertThat(installed()).isEmpty();
    assertThat(SDK.calls).isEmpty();
  }
}
