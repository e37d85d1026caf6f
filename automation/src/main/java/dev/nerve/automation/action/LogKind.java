package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.automation.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code log}: records a message in the run's logs (and the service log at DEBUG). */
final class LogKind implements ActionKind {

  private static final Logger log = LoggerFactory.getLogger(LogKind.class);

  @Override
  public String id() {
    return "log";
  }

  @Override
  public dev.nerve.api.automation.v1.ActionKind category() {
    return dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_LOG;
  }

  @Override
  public String description() {
    return "Records a message in the run's logs. Parameters: message, level (info, warn, error).";
  }

  @Override
  public Struct inputSchema() {
    return Schemas.of(
        "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\",\"maxLength\":1000},"
            + "\"level\":{\"enum\":[\"info\",\"warn\",\"error\"]}},\"required\":[\"message\"]}");
  }

  @Override
  public Value run(Invocation call) {
    String message = call.string("message", "");
    String level = call.string("level", "info");
    call.log(level + ": " + message);
    log.debug("workflow log ({}): {}", call.principal().tenantId(), message);
    return Json.of(Struct.newBuilder().putFields("message", Json.of(message)).putFields("level", Json.of(level)).build());
  }
}
