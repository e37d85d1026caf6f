package dev.nerve.installation.configuration;

/**
 * One problem in a configuration document.
 *
 * @param pointer JSON pointer to it ({@code ""} for the whole document)
 * @param rule the JSON Schema keyword or semantic rule broken
 * @param message what is wrong, for a person
 */
record Violation(String pointer, String rule, String message) {}
