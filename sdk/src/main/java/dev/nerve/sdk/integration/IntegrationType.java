package dev.nerve.sdk.integration;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A kind of integration: the JSON Schema its settings must satisfy and the credentials it takes.
 *
 * @param provider provider id, e.g. {@code github} or {@code <extension>:<type>}
 * @param settingsSchema JSON Schema of the settings
 * @param requiredCredentials credentials Setup must end up with
 * @param knownCredentials every credential name it accepts (empty accepts any)
 */
public record IntegrationType(
    String provider, JsonNode settingsSchema, List<String> requiredCredentials, List<String> knownCredentials) {}
