package dev.nerve.installation.configuration;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import tools.jackson.databind.JsonNode;

/** Converts between the documents' JSON trees and the contract's Struct and Value. */
final class Structs {

  private Structs() {}

  static Struct struct(JsonNode node) {
    Struct.Builder builder = Struct.newBuilder();
    merge(SettingsCatalog.JSON.writeValueAsString(node), builder);
    return builder.build();
  }

  static Value value(JsonNode node) {
    Value.Builder builder = Value.newBuilder();
    merge(SettingsCatalog.JSON.writeValueAsString(node), builder);
    return builder.build();
  }

  static JsonNode json(Message message) {
    try {
      return SettingsCatalog.JSON.readTree(JsonFormat.printer().omittingInsignificantWhitespace().print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not printable as JSON", e);
    }
  }

  private static void merge(String json, Message.Builder builder) {
    try {
      JsonFormat.parser().merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("JSON not readable as " + builder.getDescriptorForType().getName(), e);
    }
  }
}
