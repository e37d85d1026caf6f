package dev.nerve.sdk.support;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.NodePath;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Compiles the JSON Schemas clients register (endpoint request schemas, action input schemas,
 * integration type settings) and validates payloads against them, draft 2020-12. Nothing is
 * fetched: a schema that refers to a remote document fails to compile. Compiled schemas are kept
 * by their text (at most {@value #CACHE_SIZE}), so a call validates without compiling.
 */
public final class JsonSchemas {

  static final int CACHE_SIZE = 1024;
  private static final int MAX_VIOLATIONS = 20;
  private static final int MAX_MESSAGE_CHARS = 200;

  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(
          Dialects.getDraft202012(), builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));

  private final Map<String, Schema> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Schema> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  /** Compiles {@code schema}; a schema that does not compile is INVALID_ARGUMENT on {@code field}. */
  public Schema compile(String field, JsonNode schema) {
    String key = Json.write(schema);
    synchronized (cache) {
      Schema cached = cache.get(key);
      if (cached != null) {
        return cached;
      }
    }
    Schema compiled;
    try {
      List<Error> broken = meta().validate(schema);
      if (!broken.isEmpty()) {
        throw NerveException.invalid(field, "schema", "is not a valid JSON Schema (draft 2020-12): " + cut(broken.get(0).getMessage()));
      }
      compiled = registry.getSchema(schema);
      compiled.initializeValidators();
    } catch (NerveException e) {
      throw e;
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw NerveException.invalid(field, "schema", "is not a usable JSON Schema: " + cut(message));
    }
    synchronized (cache) {
      cache.put(key, compiled);
    }
    return compiled;
  }

  private volatile Schema meta;

  /** The draft 2020-12 meta-schema, which the validator ships (nothing is fetched). */
  private Schema meta() {
    Schema loaded = meta;
    if (loaded == null) {
      loaded = registry.getSchema(com.networknt.schema.SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
      loaded.initializeValidators();
      meta = loaded;
    }
    return loaded;
  }

  /** The rules {@code payload} breaks, each named by its path under {@code field}. */
  public List<FieldViolation> violations(Schema schema, String field, JsonNode payload) {
    List<Error> errors = schema.validate(payload);
    List<FieldViolation> violations = new ArrayList<>();
    for (Error error : errors) {
      if (violations.size() == MAX_VIOLATIONS) {
        break;
      }
      violations.add(new FieldViolation(path(field, error), error.getKeyword(), cut(error.getMessage())));
    }
    return violations;
  }

  /** Validates and throws INVALID_ARGUMENT with every violation. */
  public void check(Schema schema, String field, JsonNode payload) {
    List<FieldViolation> violations = violations(schema, field, payload);
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
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
        path.append('.').append(key.length() > 64 ? key.substring(0, 64) + "..." : key);
      }
    }
    return path.toString();
  }

  private static String cut(String message) {
    return message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message;
  }
}
