package dev.nerve.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parsed {@code nerve} command line: a command word and options, with Nerve's short options
 * translated to the Spring properties they stand for.
 *
 * @param command the command word ({@code serve} when omitted)
 * @param options every argument after the command
 */
public record CommandLine(String command, List<String> options) {

  public CommandLine {
    options = List.copyOf(options);
  }

  /** Parses {@code [command] [--option=value ...]}. */
  public static CommandLine parse(String[] args) {
    if (args.length == 0 || args[0].startsWith("-") && !isHelp(args[0])) {
      return new CommandLine("serve", List.of(args));
    }
    return new CommandLine(args[0], List.of(args).subList(1, args.length));
  }

  private static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h");
  }

  /** Options as Spring Boot arguments: {@code --targets=x} becomes {@code --nerve.targets=x}. */
  public String[] springArgs() {
    List<String> spring = new ArrayList<>();
    for (String option : options) {
      if (option.startsWith("--targets=")) {
        spring.add("--nerve.targets=" + option.substring("--targets=".length()));
      } else if (!option.equals("--json") && !option.startsWith("--server=")) {
        spring.add(option);
      }
    }
    return spring.toArray(String[]::new);
  }

  /** Whether a bare flag such as {@code --json} is present. */
  public boolean flag(String name) {
    return options.contains(name);
  }

  /** Value of {@code --name=value}, if present. */
  public Optional<String> value(String name) {
    String prefix = name + "=";
    return options.stream().filter(o -> o.startsWith(prefix)).map(o -> o.substring(prefix.length())).findFirst();
  }
}
