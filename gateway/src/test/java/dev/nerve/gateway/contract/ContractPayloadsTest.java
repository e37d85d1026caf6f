package dev.nerve.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Struct;
import dev.nerve.api.common.v1.OperationProto;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.gateway.validation.PayloadSchemas;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every free-form request field ({@code google.protobuf.Struct} or {@code Value}) of every RPC on
 * the public surfaces (with a REST binding or named by a GraphQL field) names a JSON Schema
 * that exists, so no free-form input reaches a service unchecked.
 */
class ContractPayloadsTest {

  private static final Set<String> FREE_FORM = Set.of("google.protobuf.Struct", "google.protobuf.Value");

  /** The free-form fields below {@code message} without a known schema, as {@code Message.field}. */
  static List<String> unchecked(Descriptor message, Set<String> schemas, Set<String> seen) {
    List<String> out = new ArrayList<>();
    if (!seen.add(message.getFullName())) {
      return out;
    }
    for (FieldDescriptor field : message.getFields()) {
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isMapField()) {
        continue;
      }
      String type = field.getMessageType().getFullName();
      if (FREE_FORM.contains(type)) {
        String schema = field.getOptions().getExtension(OperationProto.jsonSchema);
        if (!schemas.contains(schema)) {
          out.add(field.getFullName() + (schema.isEmpty() ? " names no schema" : " names unknown schema " + schema));
        }
      } else if (!type.startsWith("google.protobuf.")) {
        out.addAll(unchecked(field.getMessageType(), schemas, seen));
      }
    }
    return out;
  }

  @Test
  void everyFreeFormRequestFieldNamesAKnownSchema() throws java.io.IOException {
    Set<String> schemas = PayloadSchemas.load().names();
    Set<String> onGraphQl = OperationsDocTest.graphQlFields().keySet();
    Set<String> seen = new HashSet<>();
    List<String> unchecked = new ArrayList<>();
    for (Rpc rpc : Contracts.load().rpcs()) {
      if (rpc.httpRules().isEmpty() && !onGraphQl.contains(rpc.fullName())) {
        continue;
      }
      unchecked.addAll(unchecked(rpc.descriptor().getInputType(), schemas, seen));
    }
    assertThat(unchecked).as("free-form request fields without (nerve.common.v1.json_schema)").isEmpty();
  }

  @Test
  void theCheckCatchesAFieldWithoutASchema() {
    // A message with a Struct field and no option: the check must report it.
    Descriptor struct = Struct.getDescriptor();
    assertThat(unchecked(dev.nerve.api.memory.v1.Context.getDescriptor(), Set.of("memory-metadata"), new HashSet<>()))
        .containsExactly("nerve.memory.v1.Context.data names no schema");
    assertThat(unchecked(MemoryScope.getDescriptor(), Set.of(), new HashSet<>())).isEmpty();
    assertThat(struct.getFullName()).isEqualTo("google.protobuf.Struct");
  }
}
