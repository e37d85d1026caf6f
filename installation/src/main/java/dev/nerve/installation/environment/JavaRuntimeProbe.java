package dev.nerve.installation.environment;

/** The JVM is Java 17 or newer (the build's baseline). */
final class JavaRuntimeProbe implements Probe {

  static final int MINIMUM = 17;

  @Override
  public String id() {
    return "java.version";
  }

  @Override
  public String group() {
    return "runtime";
  }

  @Override
  public String title() {
    return "Java runtime";
  }

  @Override
  public Finding run() {
    Runtime.Version version = Runtime.version();
    String detail = "Java " + version + " (" + System.getProperty("java.vendor") + ")";
    return version.feature() >= MINIMUM
        ? Finding.ok(detail)
        : Finding.fail(detail, "install Java " + MINIMUM + " or newer and set JAVA_HOME to it");
  }
}
