package dev.nerve.installation.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class SettingsCatalogTest {

  private final SettingsCatalog catalog = SettingsCatalog.load();

  @Test
  void theDocsCopyIsThePublishedSchema() throws Exception {
    Path docs = Path.of("..", "docs", "configuration.schema.json");
    assertThat(SettingsCatalog.JSON.readTree(Files.readString(docs)))
        .as("docs/configuration.schema.json must be a copy of api/src/main/resources/" + SettingsCatalog.RESOURCE)
        .isEqualTo(catalog.document());
  }

  @Test
  void everySettingHasAPropertyADescriptionAndAValidDefault() {
    assertThat(catalog.settings()).extracting(Setting::pointer).contains("/rateLimits/perMinute", "/outbound/allowCidrs");
    ObjectNode defaults = SettingsCatalog.JSON.createObjectNode();
    for (Setting setting : catalog.settings()) {
      assertThat(setting.property()).as(setting.pointer()).startsWith("nerve.");
      assertThat(catalog.document().at(schemaPath(setting.pointer())).path("description").asString(""))
          .as(setting.pointer()).isNotBlank();
      assertThat(setting.defaultValue().isMissingNode()).as(setting.pointer() + " default").isFalse();
      put(defaults, setting.pointer(), setting.defaultValue());
    }
    assertThat(new DocumentValidator(catalog).violations(defaults, false)).isEmpty();
  }

  @Test
  void aDocumentOfUnknownShapeIsRefusedAtTheRoot() {
    JsonNode notAnObject = SettingsCatalog.JSON.getNodeFactory().arrayNode();
    List<Violation> violations = new DocumentValidator(catalog).violations(notAnObject, false);
    assertThat(violations).extracting(Violation::pointer, Violation::rule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("", "type"));
  }

  @Test
  void diffListsChangedAddedAndRemovedSettingsInSchemaOrder() {
    JsonNode a = SettingsCatalog.JSON.readTree("{\"outbound\":{\"allowHosts\":[\"a\"]},\"rateLimits\":{\"perMinute\":5}}");
    JsonNode b = SettingsCatalog.JSON.readTree("{\"rateLimits\":{\"perMinute\":6,\"loginPerMinute\":3}}");
    assertThat(Change.between(a, b, catalog))
        .extracting(Change::pointer)
        .containsExactly("/rateLimits/perMinute", "/rateLimits/loginPerMinute", "/outbound/allowHosts");
    assertThat(Change.between(b, b, catalog)).isEmpty();
  }

  private static String schemaPath(String pointer) {
    return pointer.replace("/", "/properties/");
  }

  private static void put(ObjectNode root, String pointer, JsonNode value) {
    String[] steps = pointer.substring(1).split("/");
    ObjectNode node = root;
    for (int i = 0; i < steps.length - 1; i++) {
      node = node.has(steps[i]) ? (ObjectNode) node.get(steps[i]) : node.putObject(steps[i]);
    }
    node.set(steps[steps.length - 1], value);
  }
}
