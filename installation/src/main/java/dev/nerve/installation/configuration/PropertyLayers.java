package dev.nerve.installation.configuration;

import dev.nerve.api.installation.v1.ConfigSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The value a setting has in this process before any stored document (its property, else the
 * schema default) and where that value comes from. A property in the {@code application.yml}
 * inside the jar counts as the default unless its {@code ${NERVE_...:default}} placeholder names
 * an environment variable that is set; a property source outside the jar is a file; the process
 * environment and the command line (and {@code -D} system properties) are named as such.
 */
final class PropertyLayers {

  private static final Pattern PLACEHOLDER = Pattern.compile("^\\$\\{([A-Z0-9_]+):");

  /** A value and its source. */
  record Layered(JsonNode value, ConfigSource source) {}

  private final ConfigurableEnvironment environment;

  PropertyLayers(ConfigurableEnvironment environment) {
    this.environment = environment;
  }

  Layered resolve(Setting setting) {
    Optional<ConfigSource> source = source(setting.property());
    if (source.isEmpty()) {
      return new Layered(setting.defaultValue(), ConfigSource.CONFIG_SOURCE_DEFAULT);
    }
    try {
      return new Layered(value(setting), source.get());
    } catch (RuntimeException e) {
      // A property this process cannot read as the setting's type: it fails at its own use.
      return new Layered(setting.defaultValue(), ConfigSource.CONFIG_SOURCE_DEFAULT);
    }
  }

  private JsonNode value(Setting setting) {
    Binder binder = Binder.get(environment);
    return switch (setting.type()) {
      case "integer" -> SettingsCatalog.JSON.getNodeFactory().numberNode(binder.bind(setting.property(), Long.class).get());
      case "number" -> SettingsCatalog.JSON.getNodeFactory().numberNode(binder.bind(setting.property(), Double.class).get());
      case "array" -> {
        ArrayNode array = SettingsCatalog.JSON.createArrayNode();
        binder.bind(setting.property(), Bindable.listOf(String.class)).orElse(List.of()).stream()
            .filter(s -> !s.isBlank())
            .forEach(array::add);
        yield array;
      }
      default -> {
        String text = binder.bind(setting.property(), String.class).get();
        if (setting.duration()) {
          Duration duration = DurationStyle.detectAndParse(text);
          yield SettingsCatalog.JSON.getNodeFactory().stringNode(duration.toString());
        }
        yield SettingsCatalog.JSON.getNodeFactory().stringNode(text);
      }
    };
  }

  private Optional<ConfigSource> source(String property) {
    for (PropertySource<?> source : environment.getPropertySources()) {
      // "configurationProperties" is a view over all the others.
      if (source.getName().equals("configurationProperties") || !contains(source, property)) {
        continue;
      }
      String name = source.getName();
      if (source instanceof SystemEnvironmentPropertySource) {
        return Optional.of(ConfigSource.CONFIG_SOURCE_ENVIRONMENT);
      }
      if (name.equals("commandLineArgs") || name.equals("systemProperties")) {
        return Optional.of(ConfigSource.CONFIG_SOURCE_COMMAND_LINE);
      }
      Object raw = source.getProperty(property);
      if (raw != null) {
        Matcher placeholder = PLACEHOLDER.matcher(raw.toString());
        if (placeholder.find() && System.getenv(placeholder.group(1)) != null) {
          return Optional.of(ConfigSource.CONFIG_SOURCE_ENVIRONMENT);
        }
      }
      return Optional.of(
          name.contains("classpath:") ? ConfigSource.CONFIG_SOURCE_DEFAULT : ConfigSource.CONFIG_SOURCE_FILE);
    }
    return Optional.empty();
  }

  /** Whether the source holds the property, also as a list ({@code name[0]}). */
  private static boolean contains(PropertySource<?> source, String property) {
    if (source.containsProperty(property)) {
      return true;
    }
    if (source instanceof EnumerablePropertySource<?> enumerable && !(source instanceof SystemEnvironmentPropertySource)) {
      for (String name : enumerable.getPropertyNames()) {
        if (name.startsWith(property + "[")) {
          return true;
        }
      }
    }
    return false;
  }
}
