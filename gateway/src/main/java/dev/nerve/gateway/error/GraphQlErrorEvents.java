package dev.nerve.gateway.error;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Locale;

/**
 * Spring GraphQL records every error of a request as an observation event named after graphql-java's
 * classification, which Micrometer turns into one counter family per classification ({@code
 * graphql_request_ExecutionAborted_total}). This folds them into one family, {@code
 * graphql.request.errors}, with the classification as the {@code error_type} tag in snake case.
 */
public final class GraphQlErrorEvents implements MeterFilter {

  private static final String PREFIX = "graphql.request.";

  @Override
  public Meter.Id map(Meter.Id id) {
    String name = id.getName();
    if (id.getType() != Meter.Type.COUNTER || !name.startsWith(PREFIX) || name.equals(PREFIX + "errors")) {
      return id;
    }
    String classification = name.substring(PREFIX.length());
    return new Meter.Id(
        PREFIX + "errors",
        Tags.of(id.getTagsAsIterable()).and(Tag.of("error.type", snake(classification))),
        null,
        "GraphQL errors by graphql-java classification (error_type), before they are mapped to the client's code",
        Meter.Type.COUNTER);
  }

  static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toLowerCase(Locale.ROOT);
  }
}
