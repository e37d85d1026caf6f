package dev.nerve.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.nerve.platform.error.FieldViolation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The payload schemas: each loads, accepts what it should and names the path and rule it refuses. */
class PayloadSchemasTest {

  private static final PayloadSchemas SCHEMAS = PayloadSchemas.load();

  /** An object of {@code count} keys k0, k1, ... with the value 1. */
  private static Map<String, Object> keys(int count) {
    Map<String, Object> map = new LinkedHashMap<>();
    IntStream.range(0, count).forEach(i -> map.put("k" + i, 1));
    return map;
  }

  /** {@code value} under {@code levels} nested objects l1, l2, ...; the outermost is level 1. */
  private static Map<String, Object> nested(int levels, Object value) {
    Object node = value;
    for (int i = levels; i >= 1; i--) {
      node = Collections.singletonMap("l" + i, node);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> root = (Map<String, Object>) node;
    return root;
  }

  private static List<String> items(int count) {
    return Collections.nCopies(count, "x");
  }

  @Test
  void loadsEveryPayloadSchema() {
    assertThat(SCHEMAS.names())
        .containsExactlyInAnyOrder(
            "memory-metadata",
            "memory-metadata-filter",
            "context-data",
            "context-patch",
            "learning-activity-attributes",
            "learning-pattern-metadata",
            "learning-raw-events",
            "learning-preference-data",
            "learning-hyperparameters",
            "learning-features",
            "learning-value",
            "sdk-payload",
            "automation-payload",
            "automation-json-schema",
            "automation-value",
            "configuration-document");
  }

  @Test
  void acceptsOrdinaryPayloadsAndNull() {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("team", "infra");
    metadata.put("ticket.id", "JIRA-4242");
    metadata.put("scores", List.of(1, 2.5, new BigDecimal("3.25"), new BigInteger("12345678901234567890")));
    metadata.put("owner", Map.of("display name", "Ada", "active", true, "manager", Collections.singletonMap("x", null)));
    metadata.put("tags", items(256));
    metadata.put("deep", nested(7, "leaf"));

    assertThat(SCHEMAS.violations("memory-metadata", "input.metadata", metadata)).isEmpty();
    assertThat(SCHEMAS.violations("memory-metadata", "input.metadata", keys(64))).isEmpty();
    assertThat(SCHEMAS.violations("memory-metadata", "input.metadata", null)).isEmpty();
    assertThat(SCHEMAS.violations("memory-metadata-filter", "params.metadataEquals", Map.of("team", "infra", "n", 2)))
        .isEmpty();
    assertThat(SCHEMAS.violations("context-data", "input.data", Map.of("goal", "ship", "steps", List.of(Map.of("done", false)))))
        .isEmpty();
    assertThat(SCHEMAS.violations("context-data", "input.data", nested(15, List.of("leaf")))).isEmpty();
    assertThat(SCHEMAS.violations("context-patch", "patch", Map.of("owner", Collections.singletonMap("team", null))))
        .isEmpty();
  }

  /** schema, payload, expected field path, expected rule. */
  static List<Object[]> refused() {
    return List.of(
        new Object[] {"memory-metadata", List.of(1), "input.metadata", "type"},
        new Object[] {"memory-metadata", "text", "input.metadata", "type"},
        new Object[] {"memory-metadata", keys(65), "input.metadata", "maxProperties"},
        new Object[] {"memory-metadata", Map.of("bad key", 1), "input.metadata[\"bad key\"]", "propertyNames"},
        new Object[] {"memory-metadata", Map.of("", 1), "input.metadata[\"\"]", "propertyNames"},
        new Object[] {"memory-metadata", Map.of("k".repeat(65), 1), "input.metadata[\"" + "k".repeat(64) + "...\"]", "propertyNames"},
        new Object[] {"memory-metadata", Map.of("owner", Map.of("a\u0001b", 1)), "input.metadata.owner[\"a\\u0001b\"]", "propertyNames"},
        new Object[] {"memory-metadata", Map.of("tags", List.of("a", "b", "c", "x".repeat(4097))), "input.metadata.tags[3]", "maxLength"},
        new Object[] {"memory-metadata", Map.of("tags", items(257)), "input.metadata.tags", "maxItems"},
        new Object[] {"memory-metadata", Map.of("owner", keys(65)), "input.metadata.owner", "maxProperties"},
        new Object[] {"memory-metadata", nested(9, 1), "input.metadata.l1.l2.l3.l4.l5.l6.l7.l8", "maxDepth"},
        new Object[] {"memory-metadata", Map.of("a", items(200).stream().map(x -> "y".repeat(400)).toList()), "input.metadata", "maxBytes"},
        new Object[] {"memory-metadata-filter", keys(17), "params.metadataEquals", "maxProperties"},
        new Object[] {"memory-metadata-filter", Map.of("a b", 1), "params.metadataEquals[\"a b\"]", "propertyNames"},
        new Object[] {"memory-metadata-filter", Map.of("k", "v".repeat(4097)), "params.metadataEquals.k", "maxLength"},
        new Object[] {"context-data", List.of(), "input.data", "type"},
        new Object[] {"context-data", nested(17, 1), "input.data.l1.l2.l3.l4.l5.l6.l7.l8.l9.l10.l11.l12.l13.l14.l15.l16", "maxDepth"},
        new Object[] {"context-data", Map.of("draft", "d".repeat(32769)), "input.data.draft", "maxLength"},
        new Object[] {"context-data", Map.of("log", items(1025)), "input.data.log", "maxItems"},
        new Object[] {"context-data", Map.of("state", keys(257)), "input.data.state", "maxProperties"},
        new Object[] {"context-data", Map.of("k".repeat(257), 1), "input.data[\"" + "k".repeat(64) + "...\"]", "propertyNames"},
        new Object[] {"context-data", Map.of("blob", "z".repeat(30000), "more", "z".repeat(30000), "again", "z".repeat(30000)), "input.data", "maxBytes"},
        new Object[] {"context-patch", List.of(Map.of("op", "add")), "patch", "type"},
        new Object[] {"context-patch", Map.of("x\ny", 1), "patch[\"x\\ny\"]", "propertyNames"},
        new Object[] {"context-patch", nested(17, null), "patch.l1.l2.l3.l4.l5.l6.l7.l8.l9.l10.l11.l12.l13.l14.l15.l16", "maxDepth"});
  }

  /** The name each payload has in the refused cases, as a GraphQL argument path. */
  private static final Map<String, String> CALLER_FIELD =
      Map.of(
          "memory-metadata", "input.metadata",
          "memory-metadata-filter", "params.metadataEquals",
          "context-data", "input.data",
          "context-patch", "patch");

  @ParameterizedTest(name = "{0}: {2} {3}")
  @MethodSource("refused")
  void refusesNamingFieldPathAndRule(String schema, Object payload, String field, String rule) {
    List<FieldViolation> violations = SCHEMAS.violations(schema, CALLER_FIELD.get(schema), payload);

    assertThat(violations).extracting(FieldViolation::field, FieldViolation::rule).contains(tuple(field, rule));
    assertThat(violations).allSatisfy(v -> assertThat(v.description()).isNotBlank().hasSizeLessThan(210));
  }

  @Test
  void reportsEveryBrokenRuleAtOnce() {
    Map<String, Object> metadata = Map.of("bad key", 1, "tags", List.of("x".repeat(5000)));

    List<FieldViolation> violations = SCHEMAS.violations("memory-metadata", "metadata", metadata);

    assertThat(violations)
        .extracting(FieldViolation::field, FieldViolation::rule, FieldViolation::description)
        .containsExactlyInAnyOrder(
            tuple("metadata[\"bad key\"]", "propertyNames", "key does not match the regex pattern ^[A-Za-z0-9._:@/+-]+$"),
            tuple("metadata.tags[0]", "maxLength", "must be at most 4096 characters long"));
  }

  @Test
  void neverEchoesLongValuesOrKeys() {
    String hugeKey = "K".repeat(100_000);
    String hugeValue = "V".repeat(100_000);

    List<FieldViolation> violations =
        SCHEMAS.violations("memory-metadata", "metadata", Map.of(hugeKey, 1, "note", hugeValue));

    assertThat(violations).isNotEmpty();
    assertThat(violations).allSatisfy(v -> {
      assertThat(v.field()).hasSizeLessThan(100);
      assertThat(v.description()).doesNotContain("KKKKKKKKKK").doesNotContain("VVVVVVVVVV");
    });
  }

  @Test
  void listsAtMostTwentyViolationsAndSaysHowManyMore() {
    Map<String, Object> metadata = new LinkedHashMap<>();
    IntStream.range(0, 50).forEach(i -> metadata.put("bad key " + i, 1));

    List<FieldViolation> violations = new ArrayList<>(SCHEMAS.violations("memory-metadata", "metadata", metadata));

    assertThat(violations).hasSize(PayloadSchemas.MAX_VIOLATIONS);
    assertThat(violations.get(PayloadSchemas.MAX_VIOLATIONS - 1).description()).contains("more violations not listed");
  }

  @Test
  void unknownSchemaIsAProgrammingError() {
    assertThatThrownBy(() -> SCHEMAS.violations("nope", "x", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
  }
}
