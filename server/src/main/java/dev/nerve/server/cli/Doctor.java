package dev.nerve.server.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.installation.v1.CheckEnvironmentRequest;
import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.EnvironmentStatus;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import dev.nerve.server.NerveApplication;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityClientInterceptor;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.identity.InternalSecret;
import dev.nerve.platform.identity.InternalSecretFile;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code nerve doctor}: the environment checks as a terminal report, one line per check and a
 * summary, exiting non-zero when anything failed.
 */
public final class Doctor {

  /** The operator running the doctor: reads environment checks, nothing else. */
  private static final Identity DOCTOR = new Identity("default", "nerve-doctor", Set.of("viewer"));

  private Doctor() {}

  /** Runs the checks (here, or on {@code --server}) and prints them; returns the exit code. */
  public static int run(CommandLine line, PrintStream out) {
    Optional<String> server = line.value("--server");
    Optional<InternalSecret> secret = server.isPresent() ? secret(line) : Optional.empty();
    if (server.isPresent() && secret.isEmpty()) {
      out.println("[XX] No internal secret to sign the doctor's calls to " + server.get() + " with.");
      out.println(
          "    -> set NERVE_INTERNAL_SECRET (or --nerve.internal.secret) to the server's value, or run the"
              + " doctor on the server's machine with its data directory (--nerve.data-dir or NERVE_DATA_DIR,"
              + " default ./data), where the server keeps a generated secret in "
              + "internal.secret");
      return 1;
    }
    EnvironmentStatus status;
    try {
      status = server.isPresent() ? remote(server.get(), secret.get()) : local(line);
    } catch (StatusRuntimeException e) {
      out.println("[XX] Nerve did not answer: " + e.getStatus());
      return 1;
    } catch (RuntimeException e) {
      // Startup itself failed (e.g. PostgreSQL unreachable): that is the finding.
      out.println("[XX] Nerve cannot start here: " + rootMessage(e));
      out.println("    -> check NERVE_DATABASE_URL / NERVE_REDIS_URL and the data directory");
      return 1;
    }
    if (line.flag("--json")) {
      try {
        out.println(JsonFormat.printer().print(status));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    } else {
      print(status, out);
    }
    return status.getOverall() == CheckStatus.CHECK_STATUS_FAIL ? 1 : 0;
  }

  /**
   * The gRPC port is internal: services accept only identities signed with the deployment's
   * internal secret, so the doctor signs its own with the server's configuration: {@code
   * --nerve.internal.secret} or {@code NERVE_INTERNAL_SECRET}, else the secret a server without
   * one generated into its data directory ({@code --nerve.data-dir}, {@code NERVE_DATA_DIR} or
   * {@code ./data}).
   */
  static Optional<InternalSecret> secret(CommandLine line) {
    Optional<String> configured =
        line.value("--nerve.internal.secret")
            .or(() -> Optional.ofNullable(System.getenv("NERVE_INTERNAL_SECRET")))
            .filter(value -> !value.isBlank());
    if (configured.isPresent()) {
      return configured.map(InternalSecret::of);
    }
    Path dataDir =
        Path.of(
            line.value("--nerve.data-dir")
                .or(() -> Optional.ofNullable(System.getenv("NERVE_DATA_DIR")).filter(d -> !d.isBlank()))
                .orElse("./data"));
    return InternalSecretFile.read(dataDir);
  }

  private static EnvironmentStatus remote(String address, InternalSecret secret) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    try {
      return IdentityContext.callAs(
          DOCTOR,
          () ->
              EnvironmentServiceGrpc.newBlockingStub(
                      ClientInterceptors.intercept(channel, new IdentityClientInterceptor(secret)))
                  .withDeadlineAfter(30, TimeUnit.SECONDS)
                  .check(CheckEnvironmentRequest.getDefaultInstance()));
    } finally {
      channel.shutdownNow();
    }
  }

  private static EnvironmentStatus local(CommandLine line) {
    // The doctor runs the installation target alone, without listening on any port. Given as
    // arguments so they win over application.yml; the user's own values for them are dropped.
    List<String> args = new ArrayList<>();
    args.add("--nerve.targets=installation");
    args.add("--nerve.grpc.port=-1");
    args.add("--logging.level.root=" + (line.flag("--json") ? "OFF" : "WARN"));
    for (String arg : line.springArgs()) {
      if (!arg.startsWith("--nerve.targets=") && !arg.startsWith("--nerve.grpc.port=")) {
        args.add(arg);
      }
    }
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(NerveApplication.class)
            .web(WebApplicationType.NONE)
            .run(args.toArray(String[]::new))) {
      return IdentityContext.callAs(
          DOCTOR,
          () ->
              EnvironmentServiceGrpc.newBlockingStub(
                      context.getBean(ChannelFactory.class).channel(Target.INSTALLATION))
                  .check(CheckEnvironmentRequest.getDefaultInstance()));
    }
  }

  static void print(EnvironmentStatus status, PrintStream out) {
    out.println(
        "Nerve doctor (version " + status.getNerveVersion() + ", targets: "
            + String.join(",", status.getTargetsList()) + ")");
    int ok = 0;
    int warn = 0;
    int fail = 0;
    for (EnvironmentCheck check : status.getChecksList()) {
      switch (check.getStatus()) {
        case CHECK_STATUS_OK -> ok++;
        case CHECK_STATUS_WARN -> warn++;
        default -> fail++;
      }
      out.println(mark(check.getStatus()) + " " + check.getTitle() + ": " + check.getDetail());
      if (!check.getRemedy().isEmpty()) {
        out.println("    -> " + check.getRemedy());
      }
    }
    out.println();
    out.println(
        (fail > 0 ? "! Doctor found issues: " : "Doctor summary: ")
            + ok + " ok, " + warn + " warning" + (warn == 1 ? "" : "s") + ", " + fail + " failed");
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  static String mark(CheckStatus status) {
    return switch (status) {
      case CHECK_STATUS_OK -> "[ok]";
      case CHECK_STATUS_WARN -> "[!!]";
      default -> "[XX]";
    };
  }
}
