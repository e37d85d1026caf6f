package dev.nerve.installation.configuration;

import com.networknt.schema.Error;
import com.networknt.schema.path.NodePath;
import dev.nerve.platform.outbound.AllowedHost;
import dev.nerve.platform.outbound.AllowedNetwork;
import dev.nerve.platform.settings.LiveSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Checks a configuration document: first against the JSON Schema, then, when that passes, the
 * rules a schema cannot state: allowlist entries parse as the outbound guard reads them, durations
 * are positive ISO-8601 durations, and a tenant document sets only settings a tenant may set.
 * Every problem is reported with its JSON pointer; at most {@value #MAX_VIOLATIONS}.
 */
final class DocumentValidator {

  static final int MAX_VIOLATIONS = 50;
  private static final int MAX_MESSAGE_CHARS = 300;

  private final SettingsCatalog catalog;

  DocumentValidator(SettingsCatalog catalog) {
    this.catalog = catalog;
  }

  /** The problems of {@code document} as the document of {@code tenantScope} (else global). */
  List<Violation> violations(JsonNode document, boolean tenantScope) {
    List<Violation> out = new ArrayList<>();
    for (Error error : catalog.schema().validate(document)) {
      if (out.size() == MAX_VIOLATIONS) {
        return out;
      }
      out.add(new Violation(pointer(error), error.getKeyword(), cut(error.getMessage())));
    }
    if (!out.isEmpty()) {
      return out;
    }
    for (Map.Entry<String, JsonNode> leaf : SettingsCatalog.leaves(document).entrySet()) {
      String pointer = leaf.getKey();
      Setting setting = catalog.setting(pointer).orElseThrow();
      if (tenantScope && !setting.tenantSettable()) {
        out.add(new Violation(pointer, "scope", "only the global configuration may set this; remove it from the tenant document"));
        continue;
      }
      semantic(setting, pointer, leaf.getValue(), out);
    }
    return out.size() > MAX_VIOLATIONS ? out.subList(0, MAX_VIOLATIONS) : out;
  }

  private static void semantic(Setting setting, String pointer, JsonNode value, List<Violation> out) {
    if (setting.duration()) {
      Duration parsed = LiveSettings.parseDuration(value.asString()).orElse(null);
      if (parsed == null) {
        out.add(new Violation(pointer, "duration", "must be an ISO-8601 duration such as P30D or PT12H"));
      } else if (parsed.isNegative() || parsed.isZero()) {
        out.add(new Violation(pointer, "duration", "must be longer than zero"));
      }
      return;
    }
    switch (setting.property()) {
      case "nerve.outbound.allow-cidrs" -> each(value, pointer, "cidr", AllowedNetwork::parse, out);
      case "nerve.outbound.allow-hosts" -> each(value, pointer, "host", AllowedHost::parse, out);
      default -> {}
    }
  }

  private static void each(
      JsonNode list, String pointer, String rule, java.util.function.Function<String, ?> parse, List<Violation> out) {
    for (int i = 0; i < list.size(); i++) {
      try {
        parse.apply(list.get(i).asString());
      } catch (IllegalArgumentException e) {
        out.add(new Violation(pointer + "/" + i, rule, cut(e.getMessage() == null ? "does not parse" : e.getMessage())));
      }
    }
  }

  /** The instance location as a JSON pointer; a broken additionalProperties points at the key. */
  private static String pointer(Error error) {
    StringBuilder pointer = new StringBuilder();
    NodePath location = error.getInstanceLocation();
    for (int i = 0; i < location.getNameCount(); i++) {
      pointer.append('/').append(SettingsCatalog.escape(String.valueOf(location.getElement(i))));
    }
    if ("additionalProperties".equals(error.getKeyword()) && error.getProperty() != null) {
      pointer.append('/').append(SettingsCatalog.escape(error.getProperty()));
    }
    return pointer.toString();
  }

  private static String cut(String message) {
    return message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message;
  }
}
