package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.EmitEventResponse;
import dev.nerve.automation.support.Json;
import java.util.function.Supplier;

/**
 * {@code event.emit}: emits a named event, which resumes matching waitForEvent steps and starts
 * workflows subscribed to it. The attempt's idempotency key is the event's request id, so a
 * repeated attempt does not emit twice.
 */
final class EventEmitKind implements ActionKind {

  private final Supplier<EventSink> sink;

  EventEmitKind(Supplier<EventSink> sink) {
    this.sink = sink;
  }

  @Override
  public String id() {
    return "event.emit";
  }

  @Override
  public dev.nerve.api.automation.v1.ActionKind category() {
    return dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_EVENT_EMIT;
  }

  @Override
  public String description() {
    return "Emits a named event. Parameters: name, key, payload.";
  }

  @Override
  public Struct inputSchema() {
    return Schemas.of(
        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"pattern\":\"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$\"},"
            + "\"key\":{\"type\":\"string\",\"maxLength\":256},\"payload\":{\"type\":\"object\"}},\"required\":[\"name\"]}");
  }

  @Override
  public Value run(Invocation call) {
    Struct payload =
        call.params().containsFields("payload")
            ? call.params().getFieldsOrThrow("payload").getStructValue()
            : Struct.getDefaultInstance();
    EmitEventResponse response =
        sink.get()
            .emit(call.principal(), call.string("name", ""), call.string("key", ""), payload, call.idempotencyKey());
    return Json.value(Json.print(response));
  }
}
