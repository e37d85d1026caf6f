package dev.nerve.automation.support;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.nerve.platform.error.FieldViolation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Schema (draft 2020-12, networknt) for action parameters and outputs and for workflow
 * definitions: compiles schemas once (cached by their text; nothing is fetched from the network)
 * and turns failures into field violations whose paths continue the caller's field name with
 * {@code .key} and {@code [i]} steps.
 */
public final class JsonSchemas {

  private static final int MAX_VIOLATIONS = 20;
  private static final int CACHE_SIZE = 1000;
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
  private final Schema metaSchema;
  private final Map<String, Schema> cache = lru();

  /** A synchronized map that keeps the {@code CACHE_SIZE} entries used last. */
  private static <K> Map<K, Schema> lru() {
    return java.util.Collections.synchronizedMap(
        new LinkedHashMap<>(64, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<K, Schema> eldest) {
            return size() > CACHE_SIZE;
          }
        });
  }

  private final Map<Struct, Schema> byStruct = lru();

  public JsonSchemas() {
    Schema meta;
    try {
      meta = registry.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
      meta.initializeValidators();
    } catch (RuntimeException e) {
      meta = null;
    }
    this.metaSchema = meta;
  }

  /** Parses JSON text into a tree. */
  public static JsonNode tree(String json) {
    return Json.MAPPER.readTree(json);
  }

  /** The rules a schema document itself breaks (checked against the 2020-12 meta-schema). */
  public List<FieldViolation> schemaViolations(String field, Struct schema) {
    List<FieldViolation> violations = new ArrayList<>();
    JsonNode node = tree(Json.of(schema));
    if (metaSchema != null) {
      violations.addAll(violations(metaSchema, field, node));
    }
    if (violations.isEmpty()) {
      try {
        compile(schema);
      } catch (RuntimeException e) {
        violations.add(new FieldViolation(field, "schema", "is not a usable JSON Schema"));
      }
    }
    return violations;
  }

  /**
   * The compiled form of a schema, cached by the schema itself (protobuf equality ignores key
   * order, and a message keeps its hash).
   */
  public Schema compile(Struct schema) {
    Schema cached = byStruct.get(schema);
    if (cached != null) {
      return cached;
    }
    Schema compiled = registry.getSchema(tree(Json.of(schema)));
    compiled.initializeValidators();
    byStruct.put(schema, compiled);
    return compiled;
  }

  /** The compiled form of a schema given as JSON text, cached. */
  public Schema compile(String text) {
    Schema cached = cache.get(text);
    if (cached != null) {
      return cached;
    }
    Schema schema = registry.getSchema(tree(text));
    schema.initializeValidators();
    cache.put(text, schema);
    return schema;
  }

  /** The rules {@code value} breaks, at most 20, with paths under {@code field}. */
  public List<FieldViolation> violations(Schema schema, String field, Value value) {
    return violations(schema, field, tree(value));
  }

  /** A value as a JSON tree, built directly (no text in between). */
  static JsonNode tree(Value value) {
    JsonNodeFactory nodes = Json.MAPPER.getNodeFactory();
    return switch (value.getKindCase()) {
      case STRUCT_VALUE -> {
        ObjectNode object = nodes.objectNode();
        value.getStructValue().getFieldsMap().forEach((name, child) -> object.set(name, tree(child)));
        yield object;
      }
      case LIST_VALUE -> {
        ArrayNode array = nodes.arrayNode();
        value.getListValue().getValuesList().forEach(child -> array.add(tree(child)));
        yield array;
      }
      case STRING_VALUE -> nodes.stringNode(value.getStringValue());
      case NUMBER_VALUE -> nodes.numberNode(value.getNumberValue());
      case BOOL_VALUE -> nodes.booleanNode(value.getBoolValue());
      case NULL_VALUE, KIND_NOT_SET -> nodes.nullNode();
    };
  }

  /** The rules a JSON tree breaks, at most 20, with paths under {@code field}. */
  public static List<FieldViolation> violations(Schema schema, String field, JsonNode node) {
    List<Error> errors = schema.validate(node);
    List<FieldViolation> violations = new ArrayList<>();
    for (Error error : errors) {
      if (violations.size() == MAX_VIOLATIONS) {
        break;
      }
      String message = error.getMessage();
      int colon = message.indexOf(": ");
      if (message.startsWith("/") && colon > 0) {
        message = message.substring(colon + 2);
      } else if (message.startsWith("$") && colon > 0) {
        message = message.substring(colon + 2);
      }
      if (message.length() > 200) {
        message = message.substring(0, 200) + "...";
      }
      violations.add(new FieldViolation(path(field, error), error.getKeyword(), message));
    }
    return violations;
  }

  private static String path(String field, Error error) {
    StringBuilder path = new StringBuilder(field);
    NodePath location = error.getInstanceLocation();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        String key = String.valueOf(element);
        if (PLAIN_KEY.matcher(key).matches()) {
          if (!path.isEmpty()) {
            path.append('.');
          }
          path.append(key);
        } else {
          path.append('[').append(Json.MAPPER.writeValueAsString(key.length() > 64 ? key.substring(0, 64) : key)).append(']');
        }
      }
    }
    if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
      path.append(path.isEmpty() ? "" : ".").append(error.getProperty());
    }
    return path.toString();
  }
}
