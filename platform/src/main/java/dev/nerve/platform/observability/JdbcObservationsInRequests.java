package dev.nerve.platform.observability;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationView;

/**
 * Keeps JDBC observations (datasource-micrometer's {@code jdbc.*} spans) to statements made inside
 * another observation, such as a gRPC call: background work (engine workers, relays, purges) would
 * otherwise open a trace of its own for every statement, and creating those observations cost the
 * automation engine a third of its CPU (docs/benchmarks.md, Automation).
 */
public final class JdbcObservationsInRequests implements ObservationPredicate {

  @Override
  public boolean test(String name, Observation.Context context) {
    if (!name.startsWith("jdbc.")) {
      return true;
    }
    // A dropped observation stays in scope as a no-op (the connection's, for its queries).
    ObservationView parent = context.getParentObservation();
    return parent != null && !(parent instanceof Observation observation && observation.isNoop());
  }
}
