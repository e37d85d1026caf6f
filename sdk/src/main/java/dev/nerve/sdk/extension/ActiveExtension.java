package dev.nerve.sdk.extension;

import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.api.sdk.v1.ExtensionAction;
import java.util.Map;

/**
 * An extension running in this replica: its manifest, the generation it was started from, its
 * runtime (null for manifest-only kinds) and every action it offers by name.
 */
record ActiveExtension(
    String tenant, Extension extension, long generation, ExtensionRuntime runtime,
    Map<String, ExtensionRuntime.Action> actions, Map<String, ExtensionAction> endpointActions) {

  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }
}
