package dev.nerve.installation.configuration;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration JSON Schema ({@code nerve/installation/v1/configuration.schema.json} in the
 * contracts module, served by the gateway at {@code /schemas/configuration.json}, by GetSchema,
 * and copied to docs/configuration.schema.json) and the settings
 * it declares: every leaf with an {@code x-nerve-property}, in schema order. Loaded and compiled
 * once; nothing is fetched from the network.
 */
final class SettingsCatalog {

  static final String RESOURCE = "nerve/installation/v1/configuration.schema.json";
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final JsonNode schemaDocument;
  private final Schema schema;
  private final Map<String, Setting> settings;

  private SettingsCatalog(JsonNode schemaDocument) {
    this.schemaDocument = schemaDocument;
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            Dialects.getDraft202012(), builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
    this.schema = registry.getSchema(schemaDocument);
    this.schema.initializeValidators();
    Map<String, Setting> found = new LinkedHashMap<>();
    collect(schemaDocument, "", found);
    this.settings = Map.copyOf(found);
    this.ordered = List.copyOf(found.values());
  }

  private final List<Setting> ordered;

  /** Loads the schema from the classpath; fails on a malformed one. */
  static SettingsCatalog load() {
    try (InputStream in = SettingsCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return new SettingsCatalog(JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void collect(JsonNode node, String pointer, Map<String, Setting> out) {
    JsonNode properties = node.path("properties");
    if (node.has("x-nerve-property")) {
      String apply = node.path("x-nerve-apply").asString("");
      String scope = node.path("x-nerve-scope").asString("");
      if (!apply.equals("live") && !apply.equals("restart") || !scope.equals("tenant") && !scope.equals("global")) {
        throw new IllegalStateException(pointer + ": x-nerve-apply must be live or restart and x-nerve-scope tenant or global");
      }
      out.put(
          pointer,
          new Setting(
              pointer,
              node.path("x-nerve-property").asString(),
              node.path("type").asString(),
              "duration".equals(node.path("format").asString("")),
              node.path("default"),
              apply.equals("live"),
              scope.equals("tenant")));
      return;
    }
    if (properties.isObject()) {
      for (Map.Entry<String, JsonNode> entry : properties.properties()) {
        collect(entry.getValue(), pointer + "/" + entry.getKey(), out);
      }
    }
  }

  /** Every setting, in schema order. */
  List<Setting> settings() {
    return ordered;
  }

  /** The setting at {@code pointer}, if the schema declares one there. */
  Optional<Setting> setting(String pointer) {
    return Optional.ofNullable(settings.get(pointer));
  }

  /** The compiled schema. */
  Schema schema() {
    return schema;
  }

  /** The schema document itself. */
  JsonNode document() {
    return schemaDocument;
  }

  /** The settings {@code document} sets, as pointer and value, in document order. */
  static Map<String, JsonNode> leaves(JsonNode document) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    flatten(document, "", out);
    return out;
  }

  private static void flatten(JsonNode node, String pointer, Map<String, JsonNode> out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    if (node.isObject() && (!pointer.isEmpty() || node.size() > 0)) {
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        flatten(entry.getValue(), pointer + "/" + escape(entry.getKey()), out);
      }
      return;
    }
    if (!node.isObject()) {
      out.put(pointer, node);
    }
  }

  /** RFC 6901 escaping of one pointer step. */
  static String escape(String step) {
    return step.replace("~", "~0").replace("/", "~1");
  }

  /** Pointers in schema order, for stable output. */
  List<String> order(List<String> pointers) {
    List<String> sorted = new ArrayList<>(pointers);
    List<String> known = ordered.stream().map(Setting::pointer).toList();
    sorted.sort(
        (a, b) -> {
          int ia = known.indexOf(a);
          int ib = known.indexOf(b);
          if (ia < 0 && ib < 0) {
            return a.compareTo(b);
          }
          return Integer.compare(ia < 0 ? Integer.MAX_VALUE : ia, ib < 0 ? Integer.MAX_VALUE : ib);
        });
    return sorted;
  }
}
