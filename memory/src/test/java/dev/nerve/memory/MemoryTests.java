package dev.nerve.memory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Helpers shared by the memory integration tests: identities and error assertions. */
public final class MemoryTests {

  private MemoryTests() {}

  /** A tenant no other test uses (the test database is shared by the JVM). */
  public static String freshTenant() {
    return "t-" + UUID.randomUUID();
  }

  public static Identity user(String tenant, String user) {
    return new Identity(tenant, user, Set.of("operator"));
  }

  public static Identity admin(String tenant, String user) {
    return new Identity(tenant, user, Set.of("operator", "admin"));
  }

  public static <T> T as(Identity identity, Callable<T> call) {
    return IdentityContext.callAs(identity, call);
  }

  /** Asserts the call fails with {@code code}; for bad input also that {@code field} is named. */
  public static NerveException fails(ThrowingCallable call, ErrorCode code, String field) {
    NerveException[] error = new NerveException[1];
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              error[0] = GrpcErrors.fromStatus(e);
              org.assertj.core.api.Assertions.assertThat(error[0].code()).as(e.getMessage()).isEqualTo(code);
              if (field != null) {
                org.assertj.core.api.Assertions.assertThat(error[0].violations())
                    .extracting("field")
                    .contains(field);
              }
            });
    return error[0];
  }
}
