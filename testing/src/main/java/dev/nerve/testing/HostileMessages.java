package dev.nerve.testing;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;


/**
 * Any protobuf request with every field filled from {@link HostileInputs}: strings, numbers,
 * enums (unknown numbers included), {@code Struct}/{@code Value} payloads, timestamps and
 * durations at and beyond their limits, repeated fields, nested messages and optional presence.
 * Built by reflection over the message descriptor, so a fuzz test covers every field of every RPC
 * without naming them, and new fields are covered as they are added.
 */
public final class HostileMessages {

  private static final int MAX_DEPTH = 4;
  /** Share of fields that get a hostile value; the others get an ordinary one. */
  private static final int HOSTILE_PERCENT = 40;

  private HostileMessages() {}

  /**
   * Requests of {@code type} (a message's descriptor): half of them with exactly one hostile
   * field and ordinary values elsewhere (so the hostile value gets past the other checks and
   * reaches storage), half with any number of hostile fields.
   */
  public static DynamicMessage of(Descriptor type, Random random) {
    Budget budget = random.nextBoolean() ? new Budget(1, 25) : new Budget(Integer.MAX_VALUE, HOSTILE_PERCENT);
    return fill(type, random, 0, budget);
  }

  /** How many hostile values a request may still get, and the chance (percent) of each. */
  private static final class Budget {
    int left;
    final int percent;

    Budget(int left, int percent) {
      this.left = left;
      this.percent = percent;
    }

    boolean take(Random random) {
      if (left > 0 && random.nextInt(100) < percent) {
        left--;
        return true;
      }
      return false;
    }
  }

  private static DynamicMessage fill(Descriptor type, Random random, int depth, Budget budget) {
    DynamicMessage.Builder message = DynamicMessage.newBuilder(type);
    if (type.getFullName().equals("google.protobuf.Struct")) {
      if (budget.left == 0 && budget.percent == 0) {
        return DynamicMessage.newBuilder(type)
            .mergeFrom(
                com.google.protobuf.Struct.newBuilder()
                    .putFields("note", com.google.protobuf.Value.newBuilder().setStringValue("plain").build())
                    .build())
            .build();
      }
      return DynamicMessage.newBuilder(type).mergeFrom(HostileInputs.struct(random)).build();
    }
    if (type.getFullName().equals("google.protobuf.Value")) {
      return DynamicMessage.newBuilder(type)
          .mergeFrom(
              com.google.protobuf.Value.newBuilder()
                  .setStructValue(HostileInputs.struct(random))
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
          message.addRepeatedField(field, value(field, random, depth, budget));
        }
      } else if (field.getRealContainingOneof() == null || !message.hasOneof(field.getRealContainingOneof())) {
        message.setField(field, value(field, random, depth, budget));
      }
    }
    return message.build();
  }

  private static Object value(FieldDescriptor field, Random random, int depth, Budget budget) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      return message(field, random, depth, budget);
    }
    if (!budget.take(random)) {
      return ordinary(field, random);
    }
    return switch (field.getJavaType()) {
      case STRING -> HostileInputs.string(random);
      case INT -> HostileInputs.intValue(random);
      case LONG -> HostileInputs.longValue(random);
      case DOUBLE -> HostileInputs.number(random);
      case FLOAT -> (float) HostileInputs.number(random);
      case BOOLEAN -> random.nextBoolean();
      case BYTE_STRING -> com.google.protobuf.ByteString.copyFromUtf8(HostileInputs.string(random));
      case ENUM -> enumValue(field, random);
      case MESSAGE -> throw new IllegalStateException("handled above");
    };
  }

  /**
   * A plausible value, so that requests also get past validation and the hostile fields of the
   * same request reach the deeper layers (storage, search, caches).
   */
  private static Object ordinary(FieldDescriptor field, Random random) {
    return switch (field.getJavaType()) {
      case STRING -> field.getName().endsWith("cursor") ? "" : "plain-" + Integer.toString(random.nextInt(1_000_000), 36);
      case INT -> random.nextInt(10);
      case LONG -> (long) random.nextInt(10);
      case DOUBLE -> random.nextDouble();
      case FLOAT -> random.nextFloat();
      case BOOLEAN -> random.nextBoolean();
      case BYTE_STRING -> com.google.protobuf.ByteString.copyFromUtf8("plain");
      case ENUM -> field.getEnumType().getValues().get(random.nextInt(field.getEnumType().getValues().size()));
      case MESSAGE -> throw new IllegalArgumentException("messages are filled field by field");
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

  private static Message message(FieldDescriptor field, Random random, int depth, Budget budget) {
    Descriptor type = field.getMessageType();
    switch (type.getFullName()) {
      case "google.protobuf.Struct", "google.protobuf.Value" -> {
        if (!budget.take(random)) {
          return fill(type, random, depth + 1, new Budget(0, 0));
        }
        return fill(type, random, depth + 1, budget);
      }
      case "google.protobuf.Timestamp", "google.protobuf.Duration" -> {
        if (!budget.take(random)) {
          long seconds =
              type.getFullName().endsWith("Duration")
                  ? 1 + random.nextInt(86_400)
                  : java.time.Instant.now().getEpochSecond() + random.nextInt(172_800) - 86_400;
          return DynamicMessage.newBuilder(type).setField(type.findFieldByName("seconds"), seconds).build();
        }
        return DynamicMessage.newBuilder(type)
            .setField(type.findFieldByName("seconds"), HostileInputs.longValue(random))
            .setField(type.findFieldByName("nanos"), HostileInputs.intValue(random))
            .build();
      }
      case "google.protobuf.FieldMask" -> {
        budget.take(random);
        DynamicMessage.Builder mask = DynamicMessage.newBuilder(type);
        List<String> paths = new ArrayList<>(List.of("text", "tags", "metadata", "scope", "expires_at", "importance", "source"));
        paths.add(HostileInputs.string(random));
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
          mask.addRepeatedField(type.findFieldByName("paths"), paths.get(random.nextInt(paths.size())));
        }
        return mask.build();
      }
      default -> {
        return fill(type, random, depth + 1, budget);
      }
    }
  }

}
