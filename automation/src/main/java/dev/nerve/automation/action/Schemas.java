package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import dev.nerve.automation.support.Json;

/** JSON Schemas of the built-in actions' parameters, written as JSON text. */
final class Schemas {

  private Schemas() {}

  static Struct of(String json) {
    return Json.struct(json);
  }
}
