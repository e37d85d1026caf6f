package dev.nerve.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import dev.nerve.api.installation.v1.SetupConfig;
import dev.nerve.api.memory.v1.ManageContextRequest;
import dev.nerve.api.memory.v1.MessageRole;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.StoreShortTermItemRequest;
import dev.nerve.api.memory.v1.UpdateMemoryRequest;
import dev.nerve.gateway.validation.PayloadSchemas;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one binder's rules: names, value rules, conventions and the client paths of refusals. */
class RequestBinderTest {

  private static final RequestBinder BINDER = new RequestBinder(PayloadSchemas.load());

  private static Message bind(Message.Builder request, Map<String, ?> values, boolean lenient) {
    return BINDER.bind(request, values, RequestBinder.Paging.REST, FieldPaths.builder(), lenient).message();
  }

  private static List<FieldViolation> refused(Message.Builder request, Map<String, ?> values, boolean lenient) {
    try {
      bind(request, values, lenient);
    } catch (NerveException e) {
      return e.violations();
    }
    throw new AssertionError("not refused: " + values);
  }

  @Test
  void valuesFollowTheSurfaceRules() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("text", "hi");
    values.put("role", "ASSISTANT");
    values.put("ttl", "PT1.5S");
    values.put("metadata", Map.of("n", 1, "list", List.of(true, "x")));
    values.put("scope", Map.of("sessionId", "s"));

    StoreShortTermItemRequest request = (StoreShortTermItemRequest) bind(StoreShortTermItemRequest.newBuilder(), values, false);

    assertThat(request.getRole()).isEqualTo(MessageRole.MESSAGE_ROLE_ASSISTANT);
    assertThat(request.getTtl().getSeconds()).isEqualTo(1);
    assertThat(request.getTtl().getNanos()).isEqualTo(500_000_000);
    assertThat(request.getMetadata().getFieldsOrThrow("n").getNumberValue()).isEqualTo(1.0);
    assertThat(request.getScope().getSessionId()).isEqualTo("s");
    assertThat(ProtoValues.plain(request))
        .containsEntry("role", "ASSISTANT")
        .containsEntry("ttl", "PT1.5S")
        .containsEntry("metadata", Map.of("n", 1L, "list", List.of(true, "x")));
  }

  @Test
  void everyBrokenRuleIsListedWithItsPath() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("text", 12);
    values.put("role", "MESSAGE_ROLE_USER");
    values.put("ttl", "forever");
    values.put("colour", "red");
    values.put("scope", "s1");

    List<FieldViolation> violations = refused(StoreShortTermItemRequest.newBuilder(), values, false);

    assertThat(violations)
        .extracting(FieldViolation::field, FieldViolation::rule)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("text", "type"),
            org.assertj.core.groups.Tuple.tuple("role", "enum"),
            org.assertj.core.groups.Tuple.tuple("ttl", "format"),
            org.assertj.core.groups.Tuple.tuple("colour", "unknown"),
            org.assertj.core.groups.Tuple.tuple("scope", "type"));
    assertThat(violations.get(1).description()).contains("USER").contains("ASSISTANT");
  }

  @Test
  void numbersAreCheckedForTypeAndRange() {
    assertThat(refused(SearchMemoriesRequest.newBuilder(), Map.of("limit", "ten"), true))
        .extracting(FieldViolation::field, FieldViolation::rule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("limit", "type"));
    assertThat(refused(SearchMemoriesRequest.newBuilder(), Map.of("limit", new BigInteger("99999999999")), false))
        .extracting(FieldViolation::rule)
        .containsExactly("range");
    assertThat(refused(SearchMemoriesRequest.newBuilder(), Map.of("minScore", "0.5"), false))
        .extracting(FieldViolation::rule)
        .containsExactly("type");
    SearchMemoriesRequest lenient = (SearchMemoriesRequest) bind(SearchMemoriesRequest.newBuilder(), Map.of("minScore", "0.5", "limit", "20", "explain", "true"), true);
    assertThat(lenient.getMinScore()).isEqualTo(0.5);
    assertThat(lenient.getPage().getPageSize()).isEqualTo(20);
    assertThat(lenient.getExplain()).isTrue();
    assertThat(refused(ManageContextRequest.newBuilder(), Map.of("expectedVersion", 1.5), false))
        .extracting(FieldViolation::rule)
        .containsExactly("type");
  }

  @Test
  void timesAcceptRfc3339AndInstants() {
    SearchMemoriesRequest request =
        (SearchMemoriesRequest)
            bind(
                SearchMemoriesRequest.newBuilder(),
                Map.of("created", Map.of("start", "2026-01-01T10:00:00+02:00", "end", Instant.parse("2026-02-01T00:00:00Z"))),
                false);
    assertThat(request.getCreated().getStart().getSeconds()).isEqualTo(Instant.parse("2026-01-01T08:00:00Z").getEpochSecond());
    assertThat(refused(SearchMemoriesRequest.newBuilder(), Map.of("created", Map.of("start", "yesterday")), false))
        .extracting(FieldViolation::field)
        .containsExactly("created.start");
  }

  @Test
  void anUnsetUpdateMaskListsTheFieldsGivenAndRequiredFieldsMustBeGiven() {
    UpdateMemoryRequest update =
        (UpdateMemoryRequest)
            bind(UpdateMemoryRequest.newBuilder(), Map.of("memory", Map.of("id", "m1", "text", "new", "expiresAt", "2030-01-01T00:00:00Z")), false);
    assertThat(update.getUpdateMask().getPathsList()).containsExactlyInAnyOrder("text", "expires_at");

    assertThat(refused(UpdateMemoryRequest.newBuilder(), Map.of("expectedVersion", 2), false))
        .extracting(FieldViolation::field, FieldViolation::rule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("memory", "required"));
  }

  @Test
  void mapFieldsAndFreeFormPayloadsAreChecked() {
    SetupConfig config = (SetupConfig) bind(SetupConfig.newBuilder(), Map.of("settings", Map.of("rate", "10")), false);
    assertThat(config.getSettingsMap()).containsEntry("rate", "10");
    assertThat(refused(SetupConfig.newBuilder(), Map.of("settings", Map.of("rate", 10)), false))
        .extracting(FieldViolation::field)
        .containsExactly("settings[\"rate\"]");
    assertThat(refused(ManageContextRequest.newBuilder(), Map.of("data", List.of(1)), false))
        .extracting(FieldViolation::field, FieldViolation::rule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("data", "type"));
  }

  @Test
  void clientPathsTranslateServicePaths() {
    FieldPaths graphQl = FieldPaths.builder().map("", "input").map("page.pageSize", "first").build();
    FieldPaths restBody = FieldPaths.builder().map("memory", "").build();

    assertThat(graphQl.client("scope.sessionId")).isEqualTo("input.scope.sessionId");
    assertThat(graphQl.client("page.pageSize")).isEqualTo("first");
    assertThat(graphQl.client("tags[2]")).isEqualTo("input.tags[2]");
    assertThat(restBody.client("memory.text")).isEqualTo("text");
    assertThat(restBody.client("memory")).isEqualTo("body");
    assertThat(restBody.client("expectedVersion")).isEqualTo("expectedVersion");
  }

  @Test
  void refusalsThrowOnceWithEveryViolation() {
    assertThatThrownBy(() -> bind(StoreShortTermItemRequest.newBuilder(), Map.of("a", 1, "b", 2), false))
        .isInstanceOfSatisfying(NerveException.class, e -> assertThat(e.violations()).hasSize(3))
        .hasMessageContaining("a: unknown field");
  }
}
