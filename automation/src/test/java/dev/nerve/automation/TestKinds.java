package dev.nerve.automation;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.automation.action.ActionFailure;
import dev.nerve.automation.action.ActionKind;
import dev.nerve.automation.support.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Action kinds for tests, contributed through the registry's extension point (ActionKind beans). */
@TestConfiguration(proxyBeanMethods = false)
public class TestKinds {

  /** Calls per (execution, step) of test.flaky. */
  public static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
  /** While closed, test.gate fails. */
  public static final AtomicBoolean GATE_OPEN = new AtomicBoolean(false);
  /** Idempotency keys of the calls of test.hold, in the order they came. */
  public static final List<String> HELD = new CopyOnWriteArrayList<>();
  /** One permit lets one call of test.hold return; without one it fails after 20 s. */
  public static final Semaphore HOLD = new Semaphore(0);

  @Bean
  ActionKind testFlaky() {
    return kind("test.flaky", call -> {
      String key = call.idempotencyKey().substring(0, call.idempotencyKey().lastIndexOf('/'));
      int n = CALLS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      int failTimes = (int) call.params().getFieldsOrDefault("failTimes", Json.of(0)).getNumberValue();
      if (n <= failTimes) {
        throw new ActionFailure("flaky failure " + n);
      }
      return Json.of(Struct.newBuilder().putFields("calls", Json.of(n)).build());
    });
  }

  @Bean
  ActionKind testFail() {
    return kind("test.fail", call -> {
      throw new ActionFailure(call.string("message", "failed on purpose"),
          call.params().getFieldsOrDefault("retryable", Json.of(false)).getBoolValue());
    });
  }

  @Bean
  ActionKind testGate() {
    return kind("test.gate", call -> {
      if (!GATE_OPEN.get()) {
        throw new ActionFailure("the gate is closed", false);
      }
      return Json.of("passed");
    });
  }

  @Bean
  ActionKind testHold() {
    return kind("test.hold", call -> {
      HELD.add(call.idempotencyKey());
      if (!HOLD.tryAcquire(20, TimeUnit.SECONDS)) {
        throw new ActionFailure("nobody let the call through", false);
      }
      return Json.of("released");
    });
  }

  interface Body {
    Value run(ActionKind.Invocation call) throws Exception;
  }

  static ActionKind kind(String id, Body body) {
    return new ActionKind() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public dev.nerve.api.automation.v1.ActionKind category() {
        return dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_UNSPECIFIED;
      }

      @Override
      public String description() {
        return "test kind " + id;
      }

      @Override
      public Struct inputSchema() {
        return null;
      }

      @Override
      public Value run(Invocation call) throws Exception {
        return body.run(call);
      }
    };
  }
}
