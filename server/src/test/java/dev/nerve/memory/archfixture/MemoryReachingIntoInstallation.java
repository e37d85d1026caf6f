package dev.nerve.memory.archfixture;

import dev.nerve.installation.InstallationConfiguration;

/**
 * Test fixture: a class that breaks the module rules on purpose, to prove the architecture test
 * catches it. It lives in a memory package on purpose.
 */
public final class MemoryReachingIntoInstallation {

  /** The forbidden reference. */
  public static Class<?> reach() {
    return InstallationConfiguration.class;
  }

  private MemoryReachingIntoInstallation() {}
}
