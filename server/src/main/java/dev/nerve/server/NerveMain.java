package dev.nerve.server;

import dev.nerve.server.cli.CommandLine;
import dev.nerve.server.cli.Doctor;
import dev.nerve.server.cli.ProcessTempDirectory;
import dev.nerve.server.cli.Verify;
import java.io.PrintStream;
import java.util.List;
import org.springframework.boot.SpringApplication;

/** Entry point of the {@code nerve} executable: {@code serve} (default), {@code doctor}, {@code verify}, {@code help}. */
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
            "  help     Show this help.",
            "",
            "Any Spring property can be passed as --name=value, e.g. --server.port=8081.",
            "Configuration reference: README.md")
        .forEach(out::println);
  }
}
