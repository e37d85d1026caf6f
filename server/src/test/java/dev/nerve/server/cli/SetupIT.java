package dev.nerve.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.gateway.v1.EnsureSigningKeyRequest;
import dev.nerve.api.gateway.v1.IdentityProvisioningServiceGrpc;
import dev.nerve.platform.NerveProperties;
import dev.nerve.platform.grpc.GrpcServers;
import dev.nerve.server.NerveApplication;
import dev.nerve.testing.TestServers;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nerve setup} without a terminal: flags only, the installation and gateway targets in the
 * command's own process, an exit code scripts can trust, and the password never printed unless
 * it was generated.
 */
class SetupIT {

  private record Run(int exitCode, String output) {}

  @TempDir Path dir;

  private static Run setup(String... extra) {
    List<String> args = new ArrayList<>(List.of("setup"));
    args.addAll(TestServers.applicationArguments());
    args.addAll(List.of(extra));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code =
        Setup.run(
            CommandLine.parse(args.toArray(String[]::new)),
            new PrintStream(buffer, true, StandardCharsets.UTF_8),
            Optional.empty());
    return new Run(code, buffer.toString(StandardCharsets.UTF_8));
  }

  private Path passwordFile(String password) throws IOException {
    Path file = dir.resolve("password-" + UUID.randomUUID());
    Files.writeString(file, password + "\n");
    return file;
  }

  @Test
  void setupTwiceCreatesOnceThenReportsEveryStepUnchanged() throws IOException {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String password = "cli password " + suffix;
    String[] flags = {
      "--tenant=Cli " + suffix, "--admin-username=cli-" + suffix, "--admin-password-file=" + passwordFile(password)
    };

    Run first = setup(flags);
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output())
        .contains("[ok] tenant: created: tenant 'cli-" + suffix + "'")
        .contains("[ok] admin: created: administrator 'cli-" + suffix + "'")
        .contains("Setup complete")
        .doesNotContain(password)
        .doesNotContain("Generated password");

    Run second = setup(flags);
    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(second.output())
        .contains("[ok] tenant: unchanged: tenant 'cli-" + suffix + "' exists")
        .contains("[ok] configuration: unchanged: ")
        .contains("Already set up: nothing changed")
        .doesNotContain("created: ");
  }

  @Test
  void aGeneratedPasswordIsPrintedOnce() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Run first = setup("--tenant=Gen " + suffix, "--admin-username=gen-" + suffix, "--non-interactive");
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output()).containsPattern("Generated password of 'gen-" + suffix + "' \\(shown only now; store it safely\\): \\S{12,}");

    Run second = setup("--tenant=Gen " + suffix, "--admin-username=gen-" + suffix, "--non-interactive");
    assertThat(second.output()).doesNotContain("Generated password").contains("Already set up");
  }

  @Test
  void badInputExitsOneAndChangesNothingAndADryRunChangesNothingEither() throws IOException {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Run refused =
        setup("--tenant=Bad " + suffix, "--admin-username=bad-" + suffix, "--admin-password-file=" + passwordFile("short"));
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output())
        .contains("[XX] Setup refused (INVALID_ARGUMENT)")
        .contains("-> adminPassword: must be at least 12 characters")
        .contains("Nothing was changed.")
        .doesNotContain("short\n");

    Run dry = setup("--tenant=Bad " + suffix, "--admin-username=bad-" + suffix, "--dry-run");
    assertThat(dry.exitCode()).as(dry.output()).isZero();
    assertThat(dry.output()).contains("would create: tenant 'bad-" + suffix + "'").contains("Dry run complete");

    Run stillDry = setup("--tenant=Bad " + suffix, "--admin-username=bad-" + suffix, "--dry-run");
    assertThat(stillDry.output()).contains("would create: tenant 'bad-" + suffix + "'");
  }

  @Test
  void asksARunningServerSignedWithItsSecretWhoseProvisioningContractRefusesUnsignedCalls() throws IOException {
    List<String> args = new ArrayList<>(TestServers.applicationArguments());
    args.addAll(List.of("--nerve.targets=installation,gateway", "--server.port=0"));
    try (ConfigurableApplicationContext server =
        new SpringApplicationBuilder(NerveApplication.class).run(args.toArray(String[]::new))) {
      int port = server.getBean(GrpcServers.class).port();
      Path dataDir = server.getBean(NerveProperties.class).dataDir();
      String suffix = UUID.randomUUID().toString().substring(0, 8);
      String[] flags = {
        "setup", "--server=localhost:" + port, "--nerve.data-dir=" + dataDir, "--non-interactive",
        "--tenant=Remote " + suffix, "--admin-username=remote-" + suffix,
        "--admin-password-file=" + passwordFile("remote password " + suffix)
      };

      Run first = run(flags);
      assertThat(first.exitCode()).as(first.output()).isZero();
      assertThat(first.output()).contains("created: tenant 'remote-" + suffix + "'").contains("Setup complete");
      Run second = run(flags);
      assertThat(second.exitCode()).as(second.output()).isZero();
      assertThat(second.output()).contains("Already set up: nothing changed");

      ManagedChannel plain = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
      try {
        assertThatThrownBy(() -> IdentityProvisioningServiceGrpc.newBlockingStub(plain)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .ensureSigningKey(EnsureSigningKeyRequest.getDefaultInstance()))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      } finally {
        plain.shutdownNow();
      }
    }
  }

  private static Run run(String... args) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code = Setup.run(CommandLine.parse(args), new PrintStream(buffer, true, StandardCharsets.UTF_8), Optional.empty());
    return new Run(code, buffer.toString(StandardCharsets.UTF_8));
  }

  @Test
  void withoutATerminalTheUsernameIsRequired() {
    Run run = setup("--non-interactive");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("--admin-username is required");
  }
}
