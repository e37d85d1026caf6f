package dev.nerve.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.learning.v1.ActivityServiceGrpc;
import dev.nerve.api.learning.v1.ModelServiceGrpc;
import dev.nerve.api.learning.v1.PatternServiceGrpc;
import dev.nerve.api.learning.v1.PreferenceServiceGrpc;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Helpers shared by the learning integration tests: identities, stubs and error assertions. */
public final class LearningTests {

  private LearningTests() {}

  /** A tenant no other test uses (the test database is shared by the JVM). */
  public static String freshTenant() {
    return "t-" + UUID.randomUUID();
  }

  public static Identity user(String tenant, String user) {
    return new Identity(tenant, user, Set.of("operator"));
  }

  public static Identity viewer(String tenant, String user) {
    return new Identity(tenant, user, Set.of("viewer"));
  }

  public static Identity admin(String tenant, String user) {
    return new Identity(tenant, user, Set.of("operator", "admin"));
  }

  public static <T> T as(Identity identity, Callable<T> call) {
    return IdentityContext.callAs(identity, call);
  }

  public static Channel channel(ChannelFactory channels) {
    return channels.channel(Target.LEARNING);
  }

  public static ActivityServiceGrpc.ActivityServiceBlockingStub activity(ChannelFactory channels) {
    return ActivityServiceGrpc.newBlockingStub(channel(channels));
  }

  public static PatternServiceGrpc.PatternServiceBlockingStub patterns(ChannelFactory channels) {
    return PatternServiceGrpc.newBlockingStub(channel(channels));
  }

  public static PreferenceServiceGrpc.PreferenceServiceBlockingStub preferences(ChannelFactory channels) {
    return PreferenceServiceGrpc.newBlockingStub(channel(channels));
  }

  public static ModelServiceGrpc.ModelServiceBlockingStub models(ChannelFactory channels) {
    return ModelServiceGrpc.newBlockingStub(channel(channels));
  }

  /** Asserts the call fails with {@code code}; for bad input also that {@code field} is named. */
  public static NerveException fails(ThrowingCallable call, ErrorCode code, String field) {
    NerveException[] error = new NerveException[1];
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              error[0] = GrpcErrors.fromStatus(e);
              assertThat(error[0].code()).as(e.getMessage()).isEqualTo(code);
              if (field != null) {
                assertThat(error[0].violations()).extracting("field").as(e.getMessage()).contains(field);
              }
            });
    return error[0];
  }
}
