package dev.nerve.extension.api;

import java.util.List;

/**
 * What a Java plugin extension implements so Nerve can run its actions. Nerve finds the
 * implementation through {@code META-INF/services/dev.nerve.extension.api.NerveExtension} in the
 * plugin jar and loads it in a class loader of its own whose parent sees only the JDK and this
 * package, so a plugin brings its own libraries and sees none of Nerve's.
 *
 * <p>Lifecycle: {@link #start} once when the extension is loaded, then any number of concurrent
 * {@link #invoke} calls, then {@link #stop} when it is unloaded or replaced (after which the class
 * loader is closed). Inputs and outputs are JSON-shaped values: {@code null}, {@link Boolean},
 * {@link Number}, {@link String}, {@link java.util.List} and {@link java.util.Map} with string
 * keys.
 */
public interface NerveExtension {

  /** Called once before any action runs; a thrown exception marks the extension as failed. */
  default void start(ExtensionContext context) throws Exception {}

  /** The actions this extension offers; each becomes the action kind {@code ext:<id>:<name>}. */
  List<ActionDefinition> actions();

  /**
   * Runs one action. Return a JSON-shaped value; throw {@link ActionException} for a failure the
   * caller should see (its message is returned), anything else for an internal error.
   */
  Object invoke(ActionInvocation invocation) throws Exception;

  /** Called once when the extension is unloaded; release threads, files and connections. */
  default void stop() throws Exception {}
}
