package dev.nerve.learning.patterns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Maps item names to dense integer codes and back, so the miners work on small arrays. */
final class ItemCodes {

  private final Map<String, Integer> codes = new HashMap<>();
  private final List<String> names = new ArrayList<>();

  int code(String name) {
    Integer code = codes.get(name);
    if (code == null) {
      code = names.size();
      codes.put(name, code);
      names.add(name);
    }
    return code;
  }

  String name(int code) {
    return names.get(code);
  }

  int size() {
    return names.size();
  }
}
