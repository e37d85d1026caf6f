package dev.nerve.memory.context;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Map;

/**
 * JSON Merge Patch (RFC 7386 / 7396) over protobuf Structs: null removes a key, objects merge
 * recursively, anything else replaces the old value.
 */
final class MergePatch {

  private MergePatch() {}

  static Struct apply(Struct target, Struct patch) {
    Struct.Builder result = target.toBuilder();
    for (Map.Entry<String, Value> entry : patch.getFieldsMap().entrySet()) {
      String key = entry.getKey();
      Value change = entry.getValue();
      switch (change.getKindCase()) {
        case NULL_VALUE -> result.removeFields(key);
        case STRUCT_VALUE -> {
          Value old = target.getFieldsOrDefault(key, Value.getDefaultInstance());
          Struct base = old.hasStructValue() ? old.getStructValue() : Struct.getDefaultInstance();
          result.putFields(
              key, Value.newBuilder().setStructValue(apply(base, change.getStructValue())).build());
        }
        default -> result.putFields(key, change);
      }
    }
    return result.build();
  }
}
