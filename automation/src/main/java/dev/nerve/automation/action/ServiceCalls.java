package dev.nerve.automation.action;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.automation.support.Json;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;

/**
 * How actions call other Nerve services: as the principal the run belongs to (signed identity),
 * with the run's deadline, parameters read as the request message's JSON and the response
 * returned as JSON.
 */
final class ServiceCalls {

  private ServiceCalls() {}

  /** Parses parameters as the JSON form of a request message; unknown keys fail the run. */
  static <B extends Message.Builder> B request(Struct params, B builder) {
    try {
      Json.merge(Json.print(params), builder);
      return builder;
    } catch (InvalidProtocolBufferException e) {
      throw new ActionFailure(
          "parameters do not fit " + builder.getDescriptorForType().getName() + ": " + e.getMessage(), false);
    }
  }

  /** Calls as the invocation's principal; a refused call fails the run with its message. */
  static Value call(ActionKind.Invocation call, Callable<? extends Message> rpc) {
    try {
      Message response = IdentityContext.callAs(call.principal().identity(), rpc);
      return Json.value(Json.print(response));
    } catch (StatusRuntimeException e) {
      NerveException error = GrpcErrors.fromStatus(e);
      boolean retryable =
          switch (error.code()) {
            case UNAVAILABLE, RESOURCE_EXHAUSTED, INTERNAL, CONFLICT -> true;
            default -> false;
          };
      throw new ActionFailure(error.code() + ": " + error.getMessage(), retryable);
    } catch (NerveException e) {
      throw new ActionFailure(e.code() + ": " + e.getMessage(), false);
    }
  }
}
