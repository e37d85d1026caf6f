package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import dev.nerve.api.automation.v1.EmitEventResponse;
import dev.nerve.automation.support.Principal;

/** Where the {@code event.emit} action sends its events (the trigger feature's event bus). */
public interface EventSink {

  /** Emits a named event for the principal's tenant. */
  EmitEventResponse emit(Principal principal, String name, String key, Struct payload, String requestId);
}
