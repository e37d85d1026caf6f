package dev.nerve.gateway.schema;

import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes the configuration JSON Schema at a stable URL that needs no credential, so editors and
 * tools can fetch it. The file is part of the contracts ({@code nerve/installation/v1} in the api
 * module); the installation service validates documents against the same file.
 */
@RestController
public class ConfigurationSchemaController {

  static final String RESOURCE = "nerve/installation/v1/configuration.schema.json";
  private final byte[] schema;

  public ConfigurationSchemaController() {
    try (InputStream in = ConfigurationSchemaController.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      schema = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @GetMapping("/schemas/configuration.json")
  @Operation(
      summary = "The configuration JSON Schema",
      description = "Public. The JSON Schema (draft 2020-12) of the configuration documents of /api/v1/configuration.")
  ResponseEntity<byte[]> schema() {
    return ResponseEntity.ok().contentType(MediaType.valueOf("application/schema+json")).body(schema);
  }
}
