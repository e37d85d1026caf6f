package dev.nerve.extension.api;

import java.util.Objects;

/**
 * One action a plugin offers: its name (1-64 of {@code A-Z a-z 0-9 . _ -}), a description for
 * people and for the assistant choosing a tool, and the JSON Schema (draft 2020-12, as JSON text)
 * its input must satisfy; Nerve validates every input against it before {@link
 * NerveExtension#invoke} runs.
 *
 * @param name action name, unique within the extension
 * @param description what the action does
 * @param inputSchemaJson JSON Schema of the input, e.g. {@code {"type":"object"}}
 */
public record ActionDefinition(String name, String description, String inputSchemaJson) {

  public ActionDefinition {
    Objects.requireNonNull(name, "name");
    description = description == null ? "" : description;
    inputSchemaJson = inputSchemaJson == null || inputSchemaJson.isBlank() ? "{\"type\":\"object\"}" : inputSchemaJson;
  }
}
