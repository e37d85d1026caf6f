package dev.nerve.installation.dependency;

import dev.nerve.api.installation.v1.DependencyProgress;

/** Receives progress events of an install; the unary RPCs ignore them. */
@FunctionalInterface
interface Progress {

  /** Ignores every event. */
  Progress NONE = event -> {};

  void report(DependencyProgress event);
}
