package dev.nerve.extension.api;

import java.util.Map;

/** What a plugin learns when it starts: who it is and the settings its manifest carries. */
public interface ExtensionContext {

  /** The extension's id, as in its action kinds {@code ext:<id>:<action>}. */
  String extensionId();

  /** The extension's version from its manifest. */
  String version();

  /** The manifest's own settings (JSON-shaped values). */
  Map<String, Object> settings();
}
