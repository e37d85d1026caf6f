package dev.nerve.gateway.validation;

import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.AbstractKeywordValidator;
import com.networknt.schema.keyword.Keyword;
import com.networknt.schema.keyword.KeywordValidator;
import com.networknt.schema.path.NodePath;
import java.io.OutputStream;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two rules JSON Schema has no keyword for, added to the 2020-12 dialect: {@code maxDepth}
 * (how deep objects and arrays may nest; the payload itself is level 1) and {@code maxBytes} (size
 * as compact UTF-8 JSON). Other validators ignore them as unknown keywords.
 */
final class PayloadKeywords {

  private PayloadKeywords() {}

  /** A keyword whose value is a non-negative integer limit. */
  enum Limit implements Keyword {
    MAX_DEPTH("maxDepth"),
    MAX_BYTES("maxBytes");

    private final String name;

    Limit(String name) {
      this.name = name;
    }

    @Override
    public String getValue() {
      return name;
    }

    @Override
    public KeywordValidator newValidator(
        SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
      if (!schemaNode.canConvertToExactIntegral() || schemaNode.asLong() < 0) {
        throw new SchemaException(name + " must be a non-negative integer at " + location);
      }
      return switch (this) {
        case MAX_DEPTH -> new MaxDepth(this, schemaNode, location);
        case MAX_BYTES -> new MaxBytes(this, schemaNode, location);
      };
    }
  }

  private static Error error(
      AbstractKeywordValidator validator, ExecutionContext context, JsonNode node, NodePath at, String message) {
    return Error.builder()
        .keyword(validator.getKeyword())
        .instanceLocation(at)
        .evaluationPath(context.getEvaluationPath())
        .schemaLocation(validator.getSchemaLocation())
        .schemaNode(validator.getSchemaNode())
        .instanceNode(node)
        .arguments(validator.getSchemaNode().asLong())
        .details(Map.of())
        .message(message)
        .build();
  }

  /** Reports the first object or array nested deeper than the limit, at its own path. */
  private static final class MaxDepth extends AbstractKeywordValidator {
    private final long limit;

    MaxDepth(Keyword keyword, JsonNode schemaNode, SchemaLocation location) {
      super(keyword, schemaNode, location);
      this.limit = schemaNode.asLong();
    }

    @Override
    public void validate(ExecutionContext context, JsonNode node, JsonNode root, NodePath at) {
      tooDeep(context, node, at, 1);
    }

    /** Whether an error was added for {@code node} at {@code level} or below it. */
    private boolean tooDeep(ExecutionContext context, JsonNode node, NodePath at, long level) {
      if (!node.isContainer()) {
        return false;
      }
      if (level > limit) {
        context.addError(error(this, context, node, at, "must nest at most " + limit + " levels deep"));
        return true;
      }
      if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          if (tooDeep(context, node.get(i), at.append(i), level + 1)) {
            return true;
          }
        }
        return false;
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (tooDeep(context, field.getValue(), at.append(field.getKey()), level + 1)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Counts the bytes of the compact JSON without keeping them. */
  private static final class MaxBytes extends AbstractKeywordValidator {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final long limit;

    MaxBytes(Keyword keyword, JsonNode schemaNode, SchemaLocation location) {
      super(keyword, schemaNode, location);
      this.limit = schemaNode.asLong();
    }

    @Override
    public void validate(ExecutionContext context, JsonNode node, JsonNode root, NodePath at) {
      Counter counter = new Counter();
      JSON.writeValue(counter, node);
      if (counter.bytes > limit) {
        context.addError(error(this, context, node, at, "must be at most " + limit + " bytes as compact JSON"));
      }
    }
  }

  private static final class Counter extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }
}
