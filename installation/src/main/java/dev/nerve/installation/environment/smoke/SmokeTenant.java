package dev.nerve.installation.environment.smoke;

/** The tenant verify's smokes act in; reserved, so setup never creates it for people. */
public final class SmokeTenant {

  /** Its id. */
  public static final String ID = "nerve-verify";

  private SmokeTenant() {}
}
