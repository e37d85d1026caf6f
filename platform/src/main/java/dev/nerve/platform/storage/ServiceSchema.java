package dev.nerve.platform.storage;

import dev.nerve.platform.target.Target;

/**
 * The PostgreSQL schema a target owns and where its Flyway migrations live ({@code
 * classpath:db/migration/<schema>}); the schema's history table stays inside the schema.
 *
 * @param target owner of the schema
 */
public record ServiceSchema(Target target) {

  public ServiceSchema {
    if (target.schema().isEmpty()) {
      throw new IllegalArgumentException(target.id() + " owns no schema");
    }
  }

  /** Schema name. */
  public String name() {
    return target.schema().orElseThrow();
  }

  /** Flyway location of the schema's migrations. */
  public String location() {
    return "classpath:db/migration/" + name();
  }
}
