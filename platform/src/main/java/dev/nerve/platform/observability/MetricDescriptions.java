package dev.nerve.platform.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;

/**
 * HELP text for the metric families that observations and library binders register without a
 * description (gRPC, GraphQL, HTTP and JDBC observations, Tomcat sessions), so every family of
 * the Prometheus exposition says what it counts. Meters that bring their own description keep it.
 */
public final class MetricDescriptions implements MeterFilter {

  static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry("grpc.server", "gRPC calls this process served, by service, method and status"),
          Map.entry("grpc.server.active", "gRPC calls being served now"),
          Map.entry("grpc.server.received", "gRPC messages the server received"),
          Map.entry("grpc.server.sent", "gRPC messages the server sent"),
          Map.entry("grpc.client", "gRPC calls this process made, by service, method and status"),
          Map.entry("grpc.client.active", "gRPC calls in flight from this process"),
          Map.entry("grpc.client.received", "gRPC messages the client received"),
          Map.entry("grpc.client.sent", "gRPC messages the client sent"),
          Map.entry("graphql.request", "GraphQL requests, by outcome (REQUEST_ERROR: the client's fault; INTERNAL_ERROR: Nerve's)"),
          Map.entry("graphql.request.active", "GraphQL requests in progress"),
          Map.entry("graphql.datafetcher", "GraphQL data fetcher calls, by field path and outcome"),
          Map.entry("graphql.datafetcher.active", "GraphQL data fetcher calls in progress"),
          Map.entry("http.server.requests", "HTTP requests served, by method, route and status"),
          Map.entry("http.server.requests.active", "HTTP requests being served now"),
          Map.entry("jdbc.connection", "JDBC connections held, from acquisition to release"),
          Map.entry("jdbc.connection.active", "JDBC connections held now"),
          Map.entry("jdbc.connection.acquired", "JDBC connections acquired from the pool"),
          Map.entry("jdbc.connection.commit", "JDBC transaction commits"),
          Map.entry("jdbc.connection.rollback", "JDBC transaction rollbacks"),
          Map.entry("jdbc.query", "JDBC statements executed"),
          Map.entry("jdbc.query.active", "JDBC statements executing now"),
          Map.entry("jdbc.result-set", "JDBC result sets read"),
          Map.entry("jdbc.result-set.active", "JDBC result sets open now"),
          Map.entry("jdbc.result.set", "JDBC result sets read"),
          Map.entry("jdbc.result.set.active", "JDBC result sets open now"),
          Map.entry("tomcat.sessions.active.current", "Tomcat HTTP sessions open now"),
          Map.entry("tomcat.sessions.active.max", "Most Tomcat HTTP sessions open at once"),
          Map.entry("tomcat.sessions.alive.max", "Longest time a Tomcat HTTP session lived"),
          Map.entry("tomcat.sessions.created", "Tomcat HTTP sessions created"),
          Map.entry("tomcat.sessions.expired", "Tomcat HTTP sessions expired"),
          Map.entry("tomcat.sessions.rejected", "Tomcat HTTP sessions refused because the maximum was reached"));

  @Override
  public Meter.Id map(Meter.Id id) {
    if (id.getDescription() != null && !id.getDescription().isBlank()) {
      return id;
    }
    String description = DESCRIPTIONS.get(id.getName());
    if (description == null) {
      return id;
    }
    return new Meter.Id(
        id.getName(),
        io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
        id.getBaseUnit(),
        description,
        id.getType());
  }
}
