package dev.nerve.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

class JdbcObservationsInRequestsTest {

  private static ObservationRegistry registry() {
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {
      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }
    });
    registry.observationConfig().observationPredicate(new JdbcObservationsInRequests());
    return registry;
  }

  @Test
  void jdbcObservationWithoutParentIsDropped() {
    ObservationRegistry registry = registry();

    assertThat(Observation.createNotStarted("jdbc.query", registry).isNoop()).isTrue();
    assertThat(Observation.createNotStarted("jdbc.connection", registry).isNoop()).isTrue();
  }

  @Test
  void jdbcObservationInsideADroppedOneIsDropped() {
    ObservationRegistry registry = registry();
    Observation connection = Observation.createNotStarted("jdbc.connection", registry);

    Observation query = connection.observe(() -> Observation.createNotStarted("jdbc.query", registry));

    assertThat(connection.isNoop()).isTrue();
    assertThat(query.isNoop()).isTrue();
  }

  @Test
  void jdbcObservationInsideAnotherIsKept() {
    ObservationRegistry registry = registry();
    Observation call = Observation.createNotStarted("grpc.server", registry);

    Observation query = call.observe(() -> Observation.createNotStarted("jdbc.query", registry));

    assertThat(query.isNoop()).isFalse();
    assertThat(query.getContext().getParentObservation()).isSameAs(call);
  }

  @Test
  void otherObservationsWithoutParentAreKept() {
    ObservationRegistry registry = registry();

    assertThat(Observation.createNotStarted("grpc.server", registry).isNoop()).isFalse();
    assertThat(Observation.createNotStarted("jdbcx.custom", registry).isNoop()).isFalse();
  }
}
