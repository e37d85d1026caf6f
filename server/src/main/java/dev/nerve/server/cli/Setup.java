package dev.nerve.server.cli;

import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.SetupConfig;
import dev.nerve.api.installation.v1.SetupResult;
import dev.nerve.api.installation.v1.SetupStep;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import io.grpc.StatusRuntimeException;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code nerve setup}: the installation system's first-run setup from a terminal (prompting) or a
 * script (flags), on a running Nerve ({@code --server}, signed with the internal secret, so it
 * works before any user exists) or in a process of its own running the installation and gateway
 * targets. Never echoes a password; prints a generated one once.
 */
public final class Setup {

  /** Options this command reads itself rather than passing on as Spring properties. */
  private static final List<String> OWN =
      List.of("--tenant=", "--admin-username=", "--admin-password-file=", "--non-interactive", "--dry-run");

  private Setup() {}

  /** Runs setup (here, or on {@code --server}) and prints the steps; returns the exit code. */
  public static int run(CommandLine line, PrintStream out, Optional<Console> console) {
    String adminTenant =
        line.value("--nerve.gateway.default-tenant")
            .or(() -> Optional.ofNullable(System.getenv("NERVE_GATEWAY_DEFAULT_TENANT")).filter(v -> !v.isBlank()))
            .orElse("default");
    Optional<Console> terminal = line.flag("--non-interactive") ? Optional.empty() : console;
    SetupConfig config;
    try {
      config = config(line, adminTenant, terminal, out);
    } catch (UsageException e) {
      out.println("[XX] " + e.getMessage());
      return 2;
    }
    CommandLine forwarded =
        new CommandLine(line.command(), line.options().stream().filter(o -> OWN.stream().noneMatch(o::startsWith)).toList());
    if (!InstallationCall.canSign(forwarded, out)) {
      return 1;
    }
    // The operator running setup acts as an administrator of the default tenant, the only one that may.
    Identity operator = new Identity(adminTenant, "nerve-setup", Set.of("admin"));
    SetupResult result;
    try {
      result = InstallationCall.call(forwarded, operator, 120, "installation,gateway", stub -> stub.setup(config));
    } catch (StatusRuntimeException e) {
      NerveException error = GrpcErrors.fromStatus(e);
      if (!GrpcErrors.fromNerve(e)) {
        out.println("[XX] Nerve did not answer: " + e.getStatus());
        return 1;
      }
      out.println("[XX] Setup refused (" + error.code() + "): " + error.getMessage());
      for (FieldViolation violation : error.violations()) {
        out.println("    -> " + violation.field() + ": " + violation.description());
      }
      out.println("Nothing was changed.");
      return 1;
    } catch (RuntimeException e) {
      return InstallationCall.cannotStart(e, out);
    }
    if (line.flag("--json")) {
      InstallationCall.printJson(result, out);
    } else {
      print(result, config.getAdminUsername(), out);
    }
    return result.getStepsList().stream().anyMatch(s -> s.getStatus() == CheckStatus.CHECK_STATUS_FAIL) ? 1 : 0;
  }

  static void print(SetupResult result, String username, PrintStream out) {
    out.println("Nerve setup" + (result.getDryRun() ? " (dry run: nothing is changed)" : "") + ", tenant " + result.getTenantId());
    for (SetupStep step : result.getStepsList()) {
      out.println(Doctor.mark(step.getStatus()) + " " + step.getId() + ": " + step.getDetail());
    }
    out.println();
    if (result.hasGeneratedPassword()) {
      out.println("Generated password of '" + username + "' (shown only now; store it safely): " + result.getGeneratedPassword());
      out.println();
    }
    boolean failed = result.getStepsList().stream().anyMatch(s -> s.getStatus() == CheckStatus.CHECK_STATUS_FAIL);
    out.println(
        failed
            ? "! Setup failed; fix the failing step and run it again"
            : result.getAlreadySetUp()
                ? "Already set up: nothing changed"
                : result.getDryRun() ? "Dry run complete" : "Setup complete");
  }

  /** The setup to ask for, from flags and, on a terminal, prompts for what they leave out. */
  private static SetupConfig config(CommandLine line, String adminTenant, Optional<Console> terminal, PrintStream out) {
    SetupConfig.Builder config = SetupConfig.newBuilder().setDryRun(line.flag("--dry-run"));
    Optional<String> tenant = line.value("--tenant");
    Optional<String> username = line.value("--admin-username");
    Optional<String> passwordFile = line.value("--admin-password-file");
    if (terminal.isPresent()) {
      Console console = terminal.get();
      config.setTenantName(tenant.orElseGet(() -> ask(console, "Tenant name", adminTenant)));
      config.setAdminUsername(username.orElseGet(() -> ask(console, "Administrator username", "admin")));
      if (passwordFile.isPresent()) {
        config.setAdminPassword(readPasswordFile(passwordFile.get()));
      } else {
        config.setAdminPassword(askPassword(console));
      }
    } else {
      if (username.isEmpty()) {
        throw new UsageException(
            "--admin-username is required without a terminal (or with --non-interactive); see nerve help");
      }
      config.setTenantName(tenant.orElse(adminTenant));
      config.setAdminUsername(username.get());
      passwordFile.ifPresent(file -> config.setAdminPassword(readPasswordFile(file)));
    }
    return config.build();
  }

  private static String ask(Console console, String prompt, String fallback) {
    String answer = console.readLine("%s [%s]: ", prompt, fallback);
    return answer == null || answer.isBlank() ? fallback : answer.strip();
  }

  /** Reads the password twice without echo; empty means "generate one". */
  private static String askPassword(Console console) {
    while (true) {
      char[] first = console.readPassword("Administrator password (at least 12 characters; empty: generate one): ");
      if (first == null || first.length == 0) {
        return "";
      }
      char[] second = console.readPassword("Repeat the password: ");
      boolean same = Arrays.equals(first, second);
      String password = new String(first);
      Arrays.fill(first, ' ');
      if (second != null) {
        Arrays.fill(second, ' ');
      }
      if (same) {
        return password;
      }
      console.printf("The passwords differ; try again.%n");
    }
  }

  /** The file's first line (a trailing newline is not part of the password). */
  private static String readPasswordFile(String file) {
    try {
      String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      int end = text.indexOf('\n');
      String password = end < 0 ? text : text.substring(0, end);
      return password.endsWith("\r") ? password.substring(0, password.length() - 1) : password;
    } catch (IOException e) {
      throw new UsageException("cannot read --admin-password-file " + file + ": " + e.getMessage());
    }
  }

  /** A command line that cannot be run as given. */
  private static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
