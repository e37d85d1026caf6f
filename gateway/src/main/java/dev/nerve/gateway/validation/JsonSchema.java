package dev.nerve.gateway.validation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a REST request body, or a component of a record read as one, is checked against
 * the named JSON Schema of {@link PayloadSchemas} before the controller runs ({@link
 * JsonSchemaBodyAdvice}). GraphQL declares the same with the {@code @jsonSchema} directive in the
 * {@code .graphqls} files.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
public @interface JsonSchema {

  /** Schema name: the file name under {@code schemas/} without {@code .schema.json}. */
  String value();
}
