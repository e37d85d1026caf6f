package dev.nerve.installation.configuration;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A setting that differs between two documents.
 *
 * @param pointer JSON pointer of the setting
 * @param before its value in the older document, null when unset
 * @param after its value in the newer document, null when unset
 */
record Change(String pointer, JsonNode before, JsonNode after) {

  /** The settings that differ from {@code older} to {@code newer}, in {@code catalog}'s order. */
  static List<Change> between(JsonNode older, JsonNode newer, SettingsCatalog catalog) {
    Map<String, JsonNode> a = SettingsCatalog.leaves(older);
    Map<String, JsonNode> b = SettingsCatalog.leaves(newer);
    Set<String> pointers = new LinkedHashSet<>(a.keySet());
    pointers.addAll(b.keySet());
    List<Change> out = new ArrayList<>();
    for (String pointer : catalog.order(new ArrayList<>(pointers))) {
      if (!Objects.equals(a.get(pointer), b.get(pointer))) {
        out.add(new Change(pointer, a.get(pointer), b.get(pointer)));
      }
    }
    return out;
  }
}
