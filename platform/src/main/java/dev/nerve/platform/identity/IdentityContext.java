package dev.nerve.platform.identity;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import io.grpc.Context;
import io.grpc.Metadata;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Carries the caller's {@link Identity} in the gRPC {@link Context} and in call metadata, so it
 * flows from the gateway through every service hop without method parameters.
 */
public final class IdentityContext {

  /** Context slot holding the identity of the current call. */
  public static final Context.Key<Identity> KEY = Context.key("nerve-identity");

  static final Metadata.Key<String> TENANT =
      Metadata.Key.of("x-nerve-tenant", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> USER =
      Metadata.Key.of("x-nerve-user", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> ROLES =
      Metadata.Key.of("x-nerve-roles", Metadata.ASCII_STRING_MARSHALLER);

  private IdentityContext() {}

  /** The identity of the current call, if the caller sent one. */
  public static Optional<Identity> current() {
    return Optional.ofNullable(KEY.get());
  }

  /** The identity of the current call, or UNAUTHENTICATED when there is none. */
  public static Identity require() {
    return current()
        .orElseThrow(
            () -> new NerveException(ErrorCode.UNAUTHENTICATED, "the call carries no identity"));
  }

  /** Runs {@code work} with {@code identity} attached to outgoing calls. */
  public static <T> T callAs(Identity identity, Callable<T> work) {
    try {
      return Context.current().withValue(KEY, identity).call(work);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void write(Identity identity, Metadata headers) {
    headers.put(TENANT, identity.tenantId());
    headers.put(USER, identity.userId());
    headers.put(ROLES, String.join(",", identity.roles()));
  }

  static Optional<Identity> read(Metadata headers) {
    String tenant = headers.get(TENANT);
    String user = headers.get(USER);
    if (tenant == null || user == null) {
      return Optional.empty();
    }
    String roles = headers.get(ROLES);
    Set<String> roleSet =
        roles == null || roles.isBlank()
            ? Set.of()
            : new LinkedHashSet<>(Arrays.asList(roles.split(",")));
    return Optional.of(new Identity(tenant, user, roleSet));
  }
}
