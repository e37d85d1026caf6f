package dev.nerve.gateway.validation;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.NodePath;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON Schemas of the gateway's free-form payloads, loaded from {@code schemas/*.schema.json}
 * on the classpath and compiled once. A schema's name is its file name without
 * {@code .schema.json}, and its {@code $id} is {@code urn:nerve:schema:<name>}, so schemas can
 * refer to each other. Nothing is fetched from the network.
 *
 * <p>A payload that breaks its schema fails with one violation per broken rule: the field path
 * (the caller's name for the payload followed by {@code .key} and {@code [i]} steps), the schema
 * keyword as rule, and a short message. Neither path nor message repeats long client values.
 */
public final class PayloadSchemas {

  /** Prefix of every schema's {@code $id}. */
  public static final String ID_PREFIX = "urn:nerve:schema:";

  static final String LOCATION = "classpath*:schemas/*.schema.json";

  /** Violations reported for one payload at most; the message says when more were found. */
  static final int MAX_VIOLATIONS = 20;

  private static final String PROPERTY_NAMES = "propertyNames";
  private static final int MAX_KEY_CHARS = 64;
  private static final int MAX_MESSAGE_CHARS = 200;
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_$-]+");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Map<String, Schema> schemas;

  private PayloadSchemas(Map<String, Schema> schemas) {
    this.schemas = Map.copyOf(schemas);
  }

  /** Loads and compiles every schema on the classpath; fails on a malformed one. */
  public static PayloadSchemas load() {
    Map<String, String> texts = new LinkedHashMap<>();
    try {
      for (Resource resource : new PathMatchingResourcePatternResolver().getResources(LOCATION)) {
        String file = resource.getFilename();
        String name = file.substring(0, file.length() - ".schema.json".length());
        String text = resource.getContentAsString(StandardCharsets.UTF_8);
        JsonNode root = JSON.readTree(text);
        if (!(ID_PREFIX + name).equals(root.path("$id").asString(""))) {
          throw new IllegalStateException(file + ": $id must be " + ID_PREFIX + name);
        }
        if (root.path("title").asString("").isBlank() || root.path("description").asString("").isBlank()) {
          throw new IllegalStateException(file + ": needs a title and a description");
        }
        texts.put(ID_PREFIX + name, text);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + LOCATION, e);
    }
    Dialect dialect =
        Dialect.builder(Dialects.getDraft202012()).keywords(List.of(PayloadKeywords.Limit.values())).build();
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            dialect, builder -> builder.schemas(texts).schemaLoader(loader -> loader.fetchRemoteResources(false)));
    Map<String, Schema> compiled = new LinkedHashMap<>();
    texts.keySet()
        .forEach(
            id -> {
              Schema schema = registry.getSchema(SchemaLocation.of(id));
              schema.initializeValidators();
              compiled.put(id.substring(ID_PREFIX.length()), schema);
            });
    return new PayloadSchemas(compiled);
  }

  /** Names of the loaded schemas. */
  public Set<String> names() {
    return schemas.keySet();
  }

  /**
   * The rules a payload breaks, at most {@link #MAX_VIOLATIONS}; empty when it is valid or null
   * (whether a payload is required is not the schema's job). Callers raise them together with
   * {@link NerveException#invalid(List)}.
   *
   * @param name schema name, e.g. {@code memory-metadata}
   * @param field the payload's path as the caller named it, e.g. {@code input.metadata}
   * @param payload the payload as plain Java values (maps, lists, strings, numbers, booleans)
   * @throws IllegalArgumentException when no schema has that name
   */
  public List<FieldViolation> violations(String name, String field, Object payload) {
    Schema schema = schemas.get(name);
    if (schema == null) {
      throw new IllegalArgumentException("no JSON Schema named '" + name + "'; known: " + names());
    }
    if (payload == null) {
      return List.of();
    }
    JsonNode node = payload instanceof JsonNode json ? json : JSON.valueToTree(payload);
    List<Error> errors = schema.validate(node);
    List<FieldViolation> violations = new ArrayList<>();
    for (Error error : errors) {
      if (violations.size() == MAX_VIOLATIONS) {
        FieldViolation last = violations.remove(MAX_VIOLATIONS - 1);
        violations.add(
            new FieldViolation(
                last.field(),
                last.rule(),
                last.description() + " (" + (errors.size() - MAX_VIOLATIONS) + " more violations not listed)"));
        break;
      }
      violations.add(new FieldViolation(path(field, error), error.getKeyword(), message(error)));
    }
    return violations;
  }

  /**
   * {@code field} followed by the instance location, in the gateway's {@code a.b[2]} style; a
   * broken key rule ({@code propertyNames}) points at the key itself.
   */
  private static String path(String field, Error error) {
    StringBuilder path = new StringBuilder(field);
    NodePath location = error.getInstanceLocation();
    for (int i = 0; i < location.getNameCount(); i++) {
      step(path, location.getElement(i));
    }
    if (PROPERTY_NAMES.equals(error.getKeyword()) && error.getProperty() != null) {
      step(path, error.getProperty());
    }
    return path.toString();
  }

  private static void step(StringBuilder path, Object element) {
    if (element instanceof Integer index) {
      path.append('[').append(index).append(']');
      return;
    }
    String key = String.valueOf(element);
    if (key.length() > MAX_KEY_CHARS) {
      key = key.substring(0, MAX_KEY_CHARS) + "...";
    }
    if (PLAIN_KEY.matcher(key).matches()) {
      path.append('.').append(key);
    } else {
      path.append('[').append(JSON.writeValueAsString(key)).append(']');
    }
  }

  /**
   * A sentence about the broken rule. Limits are stated here (the validator's own messages format
   * numbers by locale); other rules keep the validator's message, cut short. None repeats the
   * client's value: a broken key rule says what is wrong with the key, and the key is in the path.
   */
  private static String message(Error error) {
    String message =
        switch (error.getKeyword()) {
          case "maxLength" -> "must be at most " + error.getSchemaNode().asLong() + " characters long";
          case "maxItems" -> "must have at most " + error.getSchemaNode().asLong() + " items";
          case "maxProperties" -> "must have at most " + error.getSchemaNode().asLong() + " properties";
          case PROPERTY_NAMES -> "key " + keyProblem(error);
          default -> error.getMessage();
        };
    return message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message;
  }

  /** What is wrong with a key: the nested rule's message, the second argument of the error. */
  private static String keyProblem(Error error) {
    Object[] arguments = error.getArguments();
    return arguments != null && arguments.length > 1 ? String.valueOf(arguments[1]) : "is not allowed";
  }
}
