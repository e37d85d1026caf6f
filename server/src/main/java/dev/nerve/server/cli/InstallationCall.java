package dev.nerve.server.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc.EnvironmentServiceBlockingStub;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityClientInterceptor;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.identity.InternalSecret;
import dev.nerve.platform.identity.InternalSecretFile;
import dev.nerve.platform.target.Target;
import dev.nerve.server.NerveApplication;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One call to the installation system's environment service for a CLI command: on a running Nerve
 * ({@code --server=HOST:PORT}, identity signed with the deployment's internal secret) or in a
 * process of its own that runs the installation target alone, listening on no port.
 */
final class InstallationCall {

  private InstallationCall() {}

  /**
   * Makes {@code rpc} as {@code identity}.
   *
   * @param deadlineSeconds deadline of the remote call
   */
  static <T> T call(
      CommandLine line, Identity identity, long deadlineSeconds, Function<EnvironmentServiceBlockingStub, T> rpc) {
    return call(line, identity, deadlineSeconds, "installation", rpc);
  }

  /**
   * Makes {@code rpc} as {@code identity}; without {@code --server}, the process runs {@code
   * targets} (a {@code --targets} value that includes installation) rather than installation alone.
   */
  static <T> T call(
      CommandLine line,
      Identity identity,
      long deadlineSeconds,
      String targets,
      Function<EnvironmentServiceBlockingStub, T> rpc) {
    return line.value("--server")
        .map(
            server ->
                remote(
                    server,
                    secret(line).orElseThrow(() -> new IllegalStateException("no internal secret for " + server)),
                    identity,
                    deadlineSeconds,
                    rpc))
        .orElseGet(() -> local(line, identity, targets, rpc));
  }

  /**
   * Whether calls to {@code --server} can be signed (always, without {@code --server}); when they
   * cannot, prints what to provide.
   */
  static boolean canSign(CommandLine line, PrintStream out) {
    Optional<String> server = line.value("--server");
    if (server.isEmpty() || secret(line).isPresent()) {
      return true;
    }
    out.println("[XX] No internal secret to sign the calls to " + server.get() + " with.");
    out.println(
        "    -> set NERVE_INTERNAL_SECRET (or --nerve.internal.secret) to the server's value, or run the"
            + " command on the server's machine with its data directory (--nerve.data-dir or NERVE_DATA_DIR,"
            + " default ./data), where the server keeps a generated secret in internal.secret");
    return false;
  }

  /**
   * The gRPC port is internal: services accept only identities signed with the deployment's
   * internal secret, so a command signs its own with the server's configuration: {@code
   * --nerve.internal.secret} or {@code NERVE_INTERNAL_SECRET}, else the secret a server without one
   * generated into its data directory ({@code --nerve.data-dir}, {@code NERVE_DATA_DIR} or {@code
   * ./data}).
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

  private static <T> T remote(
      String address,
      InternalSecret secret,
      Identity identity,
      long deadlineSeconds,
      Function<EnvironmentServiceBlockingStub, T> rpc) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    try {
      return IdentityContext.callAs(
          identity,
          () ->
              rpc.apply(
                  EnvironmentServiceGrpc.newBlockingStub(
                          ClientInterceptors.intercept(channel, new IdentityClientInterceptor(secret)))
                      .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS)));
    } finally {
      channel.shutdownNow();
    }
  }

  private static <T> T local(
      CommandLine line, Identity identity, String targets, Function<EnvironmentServiceBlockingStub, T> rpc) {
    // The installation target (and what the command needs besides), without listening on any port.
    // Given as arguments so they win over application.yml; the user's own values for them are dropped.
    List<String> args = new ArrayList<>();
    args.add("--nerve.targets=" + targets);
    args.add("--nerve.grpc.port=-1");
    args.add("--logging.level.root=" + (line.flag("--json") ? "OFF" : "WARN"));
    // The gateway target needs its servlet context: it gets an ephemeral port on loopback for the
    // command's few seconds.
    boolean web = targets.contains("gateway");
    if (web) {
      args.add("--server.port=0");
      args.add("--server.address=127.0.0.1");
    }
    for (String arg : line.springArgs()) {
      if (!arg.startsWith("--nerve.targets=")
          && !arg.startsWith("--nerve.grpc.port=")
          && !(web && (arg.startsWith("--server.port=") || arg.startsWith("--server.address=")))) {
        args.add(arg);
      }
    }
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(NerveApplication.class)
            .web(web ? WebApplicationType.SERVLET : WebApplicationType.NONE)
            .run(args.toArray(String[]::new))) {
      return IdentityContext.callAs(
          identity,
          () -> rpc.apply(EnvironmentServiceGrpc.newBlockingStub(context.getBean(ChannelFactory.class).channel(Target.INSTALLATION))));
    }
  }

  /**
   * A CLI command's whole run: makes {@code rpc}, prints its result as JSON ({@code --json}) or
   * with {@code print}, and returns the exit code, 1 when {@code failed} says so or Nerve could not
   * be reached or started.
   */
  static <T extends Message> int report(
      CommandLine line,
      PrintStream out,
      Identity identity,
      long deadlineSeconds,
      Function<EnvironmentServiceBlockingStub, T> rpc,
      BiConsumer<T, PrintStream> print,
      Predicate<T> failed) {
    if (!canSign(line, out)) {
      return 1;
    }
    T result;
    try {
      result = call(line, identity, deadlineSeconds, rpc);
    } catch (StatusRuntimeException e) {
      out.println("[XX] Nerve did not answer: " + e.getStatus());
      return 1;
    } catch (RuntimeException e) {
      // Startup itself failed (e.g. PostgreSQL unreachable): that is the finding.
      return cannotStart(e, out);
    }
    if (line.flag("--json")) {
      printJson(result, out);
    } else {
      print.accept(result, out);
    }
    return failed.test(result) ? 1 : 0;
  }

  /** Says that Nerve could not start in this process, and why; returns the exit code 1. */
  static int cannotStart(RuntimeException e, PrintStream out) {
    out.println("[XX] Nerve cannot start here: " + rootMessage(e));
    out.println("    -> check NERVE_DATABASE_URL / NERVE_REDIS_URL and the data directory");
    return 1;
  }

  /** Prints a contract message as JSON (the proto3 JSON mapping), for {@code --json}. */
  static void printJson(Message message, PrintStream out) {
    try {
      out.println(JsonFormat.printer().print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The innermost cause's class and message, for a one-line report. */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
