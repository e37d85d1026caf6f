package dev.nerve.installation.configuration;

import tools.jackson.databind.JsonNode;

/**
 * One setting of the configuration schema.
 *
 * @param pointer JSON pointer in the document, e.g. {@code /rateLimits/perMinute}
 * @param property the process property it overrides
 * @param type the JSON Schema type: integer, number, string or array
 * @param duration the value is an ISO-8601 duration ({@code "format": "duration"})
 * @param defaultValue the built-in default
 * @param live replicas apply a change at once (else at their next start)
 * @param tenantSettable tenant documents may set it
 */
record Setting(
    String pointer,
    String property,
    String type,
    boolean duration,
    JsonNode defaultValue,
    boolean live,
    boolean tenantSettable) {}
