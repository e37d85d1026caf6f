package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.automation.support.Json;

/**
 * {@code delay}: keeps the worker busy for a number of milliseconds (at most 5 minutes), for
 * pacing and tests. A workflow that must wait longer uses a {@code wait} step, which holds no
 * worker.
 */
final class DelayKind implements ActionKind {

  static final long MAX_MS = 300_000;

  @Override
  public String id() {
    return "delay";
  }

  @Override
  public dev.nerve.api.automation.v1.ActionKind category() {
    return dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_DELAY;
  }

  @Override
  public String description() {
    return "Waits for ms milliseconds (at most 300000) while holding a worker.";
  }

  @Override
  public Struct inputSchema() {
    return Schemas.of(
        "{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"number\",\"minimum\":0,\"maximum\":300000}},"
            + "\"required\":[\"ms\"]}");
  }

  @Override
  public Value run(Invocation call) throws InterruptedException {
    long ms = (long) call.params().getFieldsOrThrow("ms").getNumberValue();
    Thread.sleep(Math.min(ms, MAX_MS));
    return Json.of(Struct.newBuilder().putFields("sleptMs", Json.of(ms)).build());
  }
}
