package dev.nerve.automation.workflow;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.networknt.schema.Schema;
import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.JsonSchemas;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a workflow definition given as the typed message or as YAML and checks it against the
 * published JSON Schema ({@code automation/workflow.schema.json}, also in docs/automation/), with
 * violations pointing into {@code workflow} or {@code definitionYaml}.
 */
public final class DefinitionReader {

  /** Classpath location of the definition schema. */
  public static final String SCHEMA = "automation/workflow.schema.json";

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  private final String schemaText;
  private final Schema schema;
  private final int maxBytes;

  public DefinitionReader(JsonSchemas schemas, int maxBytes) {
    try (InputStream in = DefinitionReader.class.getClassLoader().getResourceAsStream(SCHEMA)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA + " is missing from the classpath");
      }
      this.schemaText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.schema = schemas.compile(schemaText);
    this.maxBytes = maxBytes;
  }

  /** The schema as a struct, for GetDefinitionSchema. */
  public Struct schema() {
    return Json.struct(schemaText);
  }

  /**
   * The definition of a request: {@code workflow}, or {@code definitionYaml} when that is given.
   * Fails with INVALID_ARGUMENT listing every schema violation.
   */
  public Workflow read(Workflow workflow, String yaml) {
    if (yaml != null && !yaml.isEmpty()) {
      if (!workflow.equals(Workflow.getDefaultInstance())) {
        throw NerveException.invalid("definitionYaml", "oneOf", "give either workflow or definitionYaml, not both");
      }
      return readYaml(yaml);
    }
    check("workflow", JsonSchemas.tree(Json.print(workflow)));
    return workflow;
  }

  private Workflow readYaml(String yaml) {
    if (yaml.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      throw NerveException.invalid("definitionYaml", "maxBytes", "must be at most " + maxBytes + " bytes");
    }
    JsonNode tree;
    try {
      tree = YAML.readTree(yaml);
    } catch (JacksonException e) {
      String message = e.getOriginalMessage();
      throw NerveException.invalid("definitionYaml", "format", "is not valid YAML: " + cut(message));
    }
    if (tree == null || !tree.isObject()) {
      throw NerveException.invalid("definitionYaml", "type", "must be a YAML mapping (the workflow object)");
    }
    check("definitionYaml", tree);
    Workflow.Builder builder = Workflow.newBuilder();
    try {
      Json.merge(tree.toString(), builder);
    } catch (InvalidProtocolBufferException e) {
      throw NerveException.invalid("definitionYaml", "format", "does not describe a workflow: " + cut(e.getMessage()));
    }
    return builder.build();
  }

  private void check(String field, JsonNode tree) {
    List<FieldViolation> violations = JsonSchemas.violations(schema, field, tree);
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
  }

  private static String cut(String message) {
    if (message == null) {
      return "";
    }
    String line = message.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
