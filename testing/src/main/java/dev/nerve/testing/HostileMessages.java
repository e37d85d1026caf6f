package dev.nerve.testing;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;


/**
 * Any protobuf request with every field filled from {@link HostileInputs}: strings, numbers,
 * enums (unknown numbers included), {@code Struct}/{@code Value} payloads, timestamps and
 * durations at and beyond their limits, repeated fields, nested messages and optional presence.
 * Built by reflection over the message descriptor, so a fuzz test covers every field of every RPC
 * without naming them, and new fields are covered as they are added.
 */
public final class HostileMessages {

  private static final int MAX_DEPTH = 4;

  private HostileMessages() {}

  /** Requests of {@code type} (a message's descriptor) filled with hostile values. */
  public static Arbitrary<DynamicMessage> of(Descriptor type) {
    return Arbitraries.randomValue(random -> fill(type, random, 0));
  }

  private static DynamicMessage fill(Descriptor type, Random random, int depth) {
    DynamicMessage.Builder message = DynamicMessage.newBuilder(type);
    if (type.getFullName().equals("google.protobuf.Struct")) {
      return DynamicMessage.newBuilder(type).mergeFrom(sample(HostileInputs.structs(), random)).build();
    }
    if (type.getFullName().equals("google.protobuf.Value")) {
      return DynamicMessage.newBuilder(type)
          .mergeFrom(
              com.google.protobuf.Value.newBuilder()
                  .setStructValue(sample(HostileInputs.structs(), random))
                  .build())
          .build();
    }
    for (FieldDescriptor field : type.getFields()) {
      // Leave a field unset now and then, so presence and defaults are exercised too.
      if (random.nextInt(4) == 0 || (depth >= MAX_DEPTH && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE)) {
        continue;
      }
      if (field.isRepeated()) {
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
          message.addRepeatedField(field, value(field, random, depth));
        }
      } else if (field.getRealContainingOneof() == null || !message.hasOneof(field.getRealContainingOneof())) {
        message.setField(field, value(field, random, depth));
      }
    }
    return message.build();
  }

  private static Object value(FieldDescriptor field, Random random, int depth) {
    return switch (field.getJavaType()) {
      case STRING -> sample(HostileInputs.strings(), random);
      case INT -> sample(HostileInputs.ints(), random);
      case LONG -> sample(HostileInputs.longs(), random);
      case DOUBLE -> sample(HostileInputs.numbers(), random);
      case FLOAT -> sample(HostileInputs.numbers(), random).floatValue();
      case BOOLEAN -> random.nextBoolean();
      case BYTE_STRING -> com.google.protobuf.ByteString.copyFromUtf8(sample(HostileInputs.strings(), random));
      case ENUM -> enumValue(field, random);
      case MESSAGE -> message(field, random, depth);
    };
  }

  private static EnumValueDescriptor enumValue(FieldDescriptor field, Random random) {
    List<EnumValueDescriptor> values = field.getEnumType().getValues();
    if (random.nextInt(5) == 0) {
      // A number this build does not know, as a newer client might send.
      return field.getEnumType().findValueByNumberCreatingIfUnknown(1000 + random.nextInt(1000));
    }
    return values.get(random.nextInt(values.size()));
  }

  private static Message message(FieldDescriptor field, Random random, int depth) {
    Descriptor type = field.getMessageType();
    switch (type.getFullName()) {
      case "google.protobuf.Timestamp", "google.protobuf.Duration" -> {
        return DynamicMessage.newBuilder(type)
            .setField(type.findFieldByName("seconds"), sample(HostileInputs.longs(), random))
            .setField(type.findFieldByName("nanos"), sample(HostileInputs.ints(), random))
            .build();
      }
      case "google.protobuf.FieldMask" -> {
        DynamicMessage.Builder mask = DynamicMessage.newBuilder(type);
        List<String> paths = new ArrayList<>(List.of("text", "tags", "metadata", "scope", "expires_at", "importance", "source"));
        paths.add(sample(HostileInputs.strings(), random));
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
          mask.addRepeatedField(type.findFieldByName("paths"), paths.get(random.nextInt(paths.size())));
        }
        return mask.build();
      }
      default -> {
        return fill(type, random, depth + 1);
      }
    }
  }

  private static <T> T sample(Arbitrary<T> arbitrary, Random random) {
    return arbitrary.generator(1000).next(random).value();
  }

}
