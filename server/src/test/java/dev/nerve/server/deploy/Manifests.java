package dev.nerve.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kubernetes objects that {@code helm template} rendered, parsed into JSON trees, with the
 * lookups the chart tests need (by kind and name, a Deployment's container environment).
 */
final class Manifests {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private final String text;
  private final List<JsonNode> objects;

  private Manifests(String text, List<JsonNode> objects) {
    this.text = text;
    this.objects = objects;
  }

  /** Parses helm's multi-document output; empty documents (a template that rendered nothing) are skipped. */
  static Manifests parse(String yaml) {
    Yaml parser = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<JsonNode> objects =
        StreamSupport.stream(parser.loadAll(yaml).spliterator(), false)
            .filter(document -> document != null)
            .<JsonNode>map(JSON::valueToTree)
            .toList();
    return new Manifests(yaml, objects);
  }

  /** The rendered YAML as helm printed it. */
  String text() {
    return text;
  }

  List<JsonNode> all() {
    return objects;
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> o.path("kind").asString().equals(kind)).toList();
  }

  /** Names of every object of a kind, in rendering order. */
  List<String> names(String kind) {
    return ofKind(kind).stream().map(o -> o.path("metadata").path("name").asString()).toList();
  }

  /** The one object of this kind and name; fails the test when there is none. */
  JsonNode get(String kind, String name) {
    List<JsonNode> found =
        ofKind(kind).stream().filter(o -> o.path("metadata").path("name").asString().equals(name)).toList();
    assertThat(found).as("%s %s among %s", kind, name, names(kind)).hasSize(1);
    return found.get(0);
  }

  /** The Nerve container of a Deployment. */
  static JsonNode container(JsonNode deployment) {
    JsonNode containers = deployment.path("spec").path("template").path("spec").path("containers");
    assertThat(containers.size()).as("containers of %s", name(deployment)).isEqualTo(1);
    JsonNode container = containers.get(0);
    assertThat(container.path("name").asString()).isEqualTo("nerve");
    return container;
  }

  /** A Deployment's container environment by variable name, in declaration order. */
  static Map<String, JsonNode> env(JsonNode deployment) {
    Map<String, JsonNode> env = new LinkedHashMap<>();
    for (JsonNode variable : container(deployment).path("env")) {
      JsonNode previous = env.put(variable.path("name").asString(), variable);
      assertThat(previous).as("%s is set twice in %s", variable.path("name").asString(), name(deployment)).isNull();
    }
    return env;
  }

  /** The literal value of one environment variable of a Deployment, or null when it has none. */
  static String envValue(JsonNode deployment, String variable) {
    JsonNode entry = env(deployment).get(variable);
    return entry == null || !entry.has("value") ? null : entry.path("value").asString();
  }

  static String name(JsonNode object) {
    return object.path("metadata").path("name").asString();
  }

  /** A string map (labels, selectors) as a Java map. */
  static Map<String, String> strings(JsonNode object) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : object.properties()) {
      map.put(entry.getKey(), entry.getValue().asString());
    }
    return Collections.unmodifiableMap(map);
  }

  /** Whether a label selector (matchLabels) selects a set of labels. */
  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  /** The Deployments whose pod labels a selector matches. */
  List<JsonNode> deploymentsSelectedBy(Map<String, String> selector) {
    List<JsonNode> selected = new ArrayList<>();
    for (JsonNode deployment : ofKind("Deployment")) {
      Map<String, String> podLabels = strings(deployment.path("spec").path("template").path("metadata").path("labels"));
      if (selects(selector, podLabels)) {
        selected.add(deployment);
      }
    }
    return selected;
  }
}
