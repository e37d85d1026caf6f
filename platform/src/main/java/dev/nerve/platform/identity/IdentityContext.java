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
  static final Metadata.Key<String> SIGNATURE =
      Metadata.Key.of("x-nerve-identity-signature", Metadata.ASCII_STRING_MARSHALLER);

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

  static void write(Identity identity, Metadata headers, InternalToken token) {
    headers.put(TENANT, identity.tenantId());
    headers.put(USER, identity.userId());
    headers.put(ROLES, String.join(",", identity.roles()));
    headers.put(SIGNATURE, token.sign(identity));
  }

  /** Whether the metadata claims an identity at all (signed or not). */
  static boolean claimsIdentity(Metadata headers) {
    return headers.containsKey(TENANT)
        || headers.containsKey(USER)
        || headers.containsKey(ROLES)
        || headers.containsKey(SIGNATURE);
  }

  /** The identity in the metadata when its signature verifies; empty when absent or forged. */
  static Optional<Identity> readVerified(Metadata headers, InternalToken token) {
    Optional<Identity> claimed;
    try {
      claimed = read(headers);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return claimed.filter(identity -> token.verify(identity, headers.get(SIGNATURE)));
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
