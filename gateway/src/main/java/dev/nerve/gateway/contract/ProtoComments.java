package dev.nerve.gateway.contract;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.Descriptors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The leading comments of the contracts' messages, fields, enums, enum values, services and
 * methods, by full name, read from the descriptor set the {@code api} build writes with source
 * info ({@code nerve/contracts.protoset}). They become the descriptions of the GraphQL and
 * OpenAPI documents, so each element is documented once, in its {@code .proto}.
 */
public final class ProtoComments {

  static final String RESOURCE = "nerve/contracts.protoset";

  // Field numbers of the descriptor protos, as SourceCodeInfo paths use them.
  private static final int FILE_MESSAGE = 4;
  private static final int FILE_ENUM = 5;
  private static final int FILE_SERVICE = 6;
  private static final int MESSAGE_FIELD = 2;
  private static final int MESSAGE_NESTED = 3;
  private static final int MESSAGE_ENUM = 4;
  private static final int ENUM_VALUE = 2;
  private static final int SERVICE_METHOD = 2;

  private final Map<String, String> byName;

  private ProtoComments(Map<String, String> byName) {
    this.byName = Map.copyOf(byName);
  }

  /** Reads the descriptor set from the classpath; no comments when it is absent. */
  public static ProtoComments load() {
    try (InputStream in = ProtoComments.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return new ProtoComments(Map.of());
      }
      Map<String, String> comments = new HashMap<>();
      for (FileDescriptorProto file : FileDescriptorSet.parseFrom(in).getFileList()) {
        index(file, comments);
      }
      return new ProtoComments(comments);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** The comment of a message, field, enum, enum value, service or method. */
  public Optional<String> of(Descriptors.GenericDescriptor element) {
    return Optional.ofNullable(byName.get(element.getFullName()));
  }

  private static void index(FileDescriptorProto file, Map<String, String> out) {
    Map<List<Integer>, String> byPath = new HashMap<>();
    for (SourceCodeInfo.Location location : file.getSourceCodeInfo().getLocationList()) {
      String text = location.getLeadingComments().strip();
      if (!text.isEmpty()) {
        byPath.put(location.getPathList(), clean(text));
      }
    }
    String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
    for (int m = 0; m < file.getMessageTypeCount(); m++) {
      message(file.getMessageType(m), prefix, List.of(FILE_MESSAGE, m), byPath, out);
    }
    for (int e = 0; e < file.getEnumTypeCount(); e++) {
      enumType(file.getEnumType(e), prefix, List.of(FILE_ENUM, e), byPath, out);
    }
    for (int s = 0; s < file.getServiceCount(); s++) {
      ServiceDescriptorProto service = file.getService(s);
      String name = prefix + service.getName();
      put(out, name, byPath.get(List.of(FILE_SERVICE, s)));
      for (int m = 0; m < service.getMethodCount(); m++) {
        put(out, name + "." + service.getMethod(m).getName(), byPath.get(List.of(FILE_SERVICE, s, SERVICE_METHOD, m)));
      }
    }
  }

  private static void message(
      DescriptorProto message, String prefix, List<Integer> path, Map<List<Integer>, String> byPath, Map<String, String> out) {
    String name = prefix + message.getName();
    put(out, name, byPath.get(path));
    for (int f = 0; f < message.getFieldCount(); f++) {
      put(out, name + "." + message.getField(f).getName(), byPath.get(append(path, MESSAGE_FIELD, f)));
    }
    for (int n = 0; n < message.getNestedTypeCount(); n++) {
      message(message.getNestedType(n), name + ".", append(path, MESSAGE_NESTED, n), byPath, out);
    }
    for (int e = 0; e < message.getEnumTypeCount(); e++) {
      enumType(message.getEnumType(e), name + ".", append(path, MESSAGE_ENUM, e), byPath, out);
    }
  }

  private static void enumType(
      EnumDescriptorProto type, String prefix, List<Integer> path, Map<List<Integer>, String> byPath, Map<String, String> out) {
    String name = prefix + type.getName();
    put(out, name, byPath.get(path));
    for (int v = 0; v < type.getValueCount(); v++) {
      // Kept under both scopes: protoc names values beside their enum, protobuf-java inside it.
      String comment = byPath.get(append(path, ENUM_VALUE, v));
      put(out, prefix + type.getValue(v).getName(), comment);
      put(out, name + "." + type.getValue(v).getName(), comment);
    }
  }

  private static List<Integer> append(List<Integer> path, int a, int b) {
    Integer[] longer = path.toArray(new Integer[path.size() + 2]);
    longer[path.size()] = a;
    longer[path.size() + 1] = b;
    return List.of(longer);
  }

  private static void put(Map<String, String> out, String name, String comment) {
    if (comment != null) {
      out.put(name, comment);
    }
  }

  /** One paragraph per blank-line-separated block, lines joined, as descriptions read best. */
  private static String clean(String text) {
    StringBuilder result = new StringBuilder();
    for (String paragraph : text.split("\n\\s*\n")) {
      if (!result.isEmpty()) {
        result.append("\n\n");
      }
      result.append(String.join(" ", paragraph.strip().split("\\s*\n\\s*")));
    }
    return result.toString();
  }
}
