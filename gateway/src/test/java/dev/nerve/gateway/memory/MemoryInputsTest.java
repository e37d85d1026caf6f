package dev.nerve.gateway.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.memory.v1.MessageRole;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.UpdateMemoryRequest;
import dev.nerve.gateway.memory.MemoryViews.Scope;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.gateway.validation.JsonSchema;
import dev.nerve.gateway.validation.PayloadSchemas;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * The gateway's translation of client inputs into memory requests, of JSON both ways, and the
 * JSON Schemas its REST bodies declare.
 */
class MemoryInputsTest {

  @Test
  void searchParamsBecomeASearchRequest() {
    MemoryInputs.Search params =
        new MemoryInputs.Search(
            "dentist",
            new Scope("planner", null),
            List.of("health"),
            null,
            Map.of("env", "prod"),
            new MemoryInputs.Range(Instant.parse("2026-01-01T00:00:00Z"), null),
            null,
            true,
            20,
            "abc",
            0.2,
            true,
            new MemoryInputs.Weights(null, 0.0, 0.5, null));

    SearchMemoriesRequest request = params.proto();

    assertThat(request.getQuery()).isEqualTo("dentist");
    assertThat(request.getScope().getAgentId()).isEqualTo("planner");
    assertThat(request.getScope().getSessionId()).isEmpty();
    assertThat(request.getTagsAnyList()).containsExactly("health");
    assertThat(request.getMetadataEquals().getFieldsOrThrow("env").getStringValue()).isEqualTo("prod");
    assertThat(request.getCreated().getStart().getSeconds()).isEqualTo(1767225600L);
    assertThat(request.getCreated().hasEnd()).isFalse();
    assertThat(request.hasUpdated()).isFalse();
    assertThat(request.getPage().getPageSize()).isEqualTo(20);
    assertThat(request.getPage().getCursor()).isEqualTo("abc");
    assertThat(request.getExplain()).isTrue();
    assertThat(request.getWeights().hasKeywordWeight()).isFalse();
    assertThat(request.getWeights().getVectorWeight()).isZero();
    assertThat(request.getWeights().hasVectorWeight()).isTrue();
  }

  @Test
  void updateSendsOnlyTheGivenFieldsInTheMask() {
    UpdateMemoryRequest request =
        new MemoryInputs.UpdateMemory("new text", null, null, 0.7, null, null, null, 3L).proto("id-1");

    assertThat(request.getMemory().getId()).isEqualTo("id-1");
    assertThat(request.getUpdateMask().getPathsList()).containsExactly("text", "importance");
    assertThat(request.getExpectedVersion()).isEqualTo(3);
  }

  @Test
  void rolesAreParsedAndUnknownOnesAreBadInput() {
    assertThat(new MemoryInputs.StoreItem(null, "hi", "assistant", null, 1.5).proto().getRole())
        .isEqualTo(MessageRole.MESSAGE_ROLE_ASSISTANT);
    assertThat(new MemoryInputs.StoreItem(null, "hi", "assistant", null, 1.5).proto().getTtl().getNanos())
        .isEqualTo(500_000_000);
    assertThatThrownBy(() -> new MemoryInputs.StoreItem(null, "hi", "robot", null, null).proto())
        .isInstanceOfSatisfying(NerveException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void jsonRoundTripsThroughStructs() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", "Ada");
    json.put("age", 36);
    json.put("ratio", new BigDecimal("0.25"));
    json.put("tags", List.of("a", true));
    json.put("nested", Map.of("none", "x"));
    json.put("nothing", null);

    Struct struct = JsonValues.struct("metadata", json);

    assertThat(struct.getFieldsOrThrow("age").getNumberValue()).isEqualTo(36.0);
    assertThat(struct.getFieldsOrThrow("nothing").getKindCase()).isEqualTo(Value.KindCase.NULL_VALUE);
    Map<String, Object> back = JsonValues.map(struct);
    assertThat(back).containsEntry("name", "Ada").containsEntry("age", 36L).containsEntry("ratio", 0.25);
    assertThat(back.get("tags")).isEqualTo(List.of("a", true));
    assertThat(back).containsKey("nothing");
    assertThatThrownBy(() -> JsonValues.struct("metadata", List.of(1)))
        .isInstanceOfSatisfying(
            NerveException.class, e -> assertThat(e.violations()).extracting("field").containsExactly("metadata"));
  }

  @Test
  void everyFreeFormRestBodyFieldDeclaresAJsonSchema() {
    Set<String> known = PayloadSchemas.load().names();
    Set<String> declared = new TreeSet<>();
    for (Method method : MemoryRestController.class.getDeclaredMethods()) {
      for (Parameter parameter : method.getParameters()) {
        if (!parameter.isAnnotationPresent(RequestBody.class)) {
          continue;
        }
        Class<?> body = parameter.getType();
        if (!body.isRecord()) {
          JsonSchema schema = parameter.getAnnotation(JsonSchema.class);
          assertThat(schema).as(method.getName() + " body").isNotNull();
          declared.add(method.getName() + "=" + schema.value());
          continue;
        }
        for (RecordComponent component : body.getRecordComponents()) {
          if (component.getType() == Object.class || Map.class.isAssignableFrom(component.getType())) {
            JsonSchema schema = component.getAnnotation(JsonSchema.class);
            assertThat(schema).as(body.getSimpleName() + "." + component.getName()).isNotNull();
            declared.add(body.getSimpleName() + "." + component.getName() + "=" + schema.value());
          }
        }
      }
    }

    assertThat(declared)
        .allSatisfy(d -> assertThat(known).contains(d.substring(d.indexOf('=') + 1)))
        .containsExactly(
            "ManageContext.data=context-data",
            "Search.metadataEquals=memory-metadata-filter",
            "StoreItem.metadata=memory-metadata",
            "StoreMemory.metadata=memory-metadata",
            "UpdateMemory.metadata=memory-metadata",
            "updateContext=context-patch");
  }
}
