package dev.nerve.server;

import dev.nerve.server.cli.CommandLine;
import dev.nerve.server.cli.Doctor;
import dev.nerve.server.cli.ProcessTempDirectory;
import dev.nerve.server.cli.Setup;
import dev.nerve.server.cli.Verify;
import java.io.PrintStream;
import java.util.List;
import org.springframework.boot.SpringApplication;

/** Entry point of the {@code nerve} executable: {@code serve} (default), {@code doctor}, {@code verify}, {@code setup}, {@code help}. */
public final class NerveMain {

  private NerveMain() {}

  public static void main(String[] args) {
    CommandLine line = CommandLine.parse(args);
    switch (line.command()) {
      case "serve" -> {
        ProcessTempDirectory.prepare(line);
        SpringApplication.run(NerveApplication.class, line.springArgs());
      }
      case "doctor" -> System.exit(Doctor.run(line, System.out));
      case "verify" -> System.exit(Verify.run(line, System.out));
      case "setup" -> System.exit(Setup.run(line, System.out, java.util.Optional.ofNullable(System.console())));
      case "help", "--help", "-h" -> usage(System.out);
      default -> {
        System.err.println("unknown command '" + line.command() + "'");
        usage(System.err);
        System.exit(2);
      }
    }
  }

  static void usage(PrintStream out) {
    List.of(
            "Usage: nerve [command] [options]",
            "",
            "Commands:",
            "  serve    Run Nerve (default). --targets=all|gateway,memory,... selects the targets",
            "           of this process (also NERVE_TARGETS).",
            "  doctor   Check the environment and print one line per check; exits 1 on any failure.",
            "           --json prints the result as JSON; --server=HOST:PORT asks a running",
            "           Nerve's installation service instead of checking from this process.",
            "  verify   Prove the installation works: every check plus write-and-read-back round",
            "           trips against PostgreSQL and Redis, with timings; exits 1 on any failure.",
            "           --json and --server=HOST:PORT as for doctor.",
            "  setup    First-run setup: migrations, master key, token signing key, the first tenant",
            "           and its administrator, the tenant's configuration. Idempotent: a second run",
            "           changes nothing and says so per step. Prompts on a terminal; otherwise give",
            "           --admin-username=NAME [--admin-password-file=FILE] [--tenant=NAME]",
            "           (--non-interactive skips the prompts). Without a password one is generated",
            "           and printed once. --dry-run reports without changing; --json and",
            "           --server=HOST:PORT as for doctor. Exits 1 on failure.",
            "  help     Show this help.",
            "",
            "Any Spring property can be passed as --name=value, e.g. --server.port=8081.",
            "Configuration reference: README.md")
        .forEach(out::println);
  }
}
