package dev.nerve.learning.support;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;

/** Who the learning data of a call belongs to: the caller, or another user for administrators. */
public final class Callers {

  /** Role that may act on other users' learning data in its tenant. */
  public static final String ADMIN = "admin";

  private Callers() {}

  /** The caller's identity; UNAUTHENTICATED without one. */
  public static Identity current() {
    return IdentityContext.require();
  }

  /**
   * The user a call is about: {@code requested} when set, otherwise the caller. Another user
   * needs the admin role (PERMISSION_DENIED otherwise).
   */
  public static String user(Identity caller, String field, String requested, String what) {
    String user = requested == null || requested.isEmpty() ? caller.userId() : requested;
    Inputs.id(field, user);
    if (!user.equals(caller.userId()) && !caller.hasRole(ADMIN)) {
      throw new NerveException(ErrorCode.PERMISSION_DENIED, what + " of another user requires the admin role");
    }
    return user;
  }

  /** Fails with PERMISSION_DENIED unless the caller is an administrator. */
  public static void requireAdmin(Identity caller, String what) {
    if (!caller.hasRole(ADMIN)) {
      throw new NerveException(ErrorCode.PERMISSION_DENIED, what + " requires the admin role");
    }
  }
}
