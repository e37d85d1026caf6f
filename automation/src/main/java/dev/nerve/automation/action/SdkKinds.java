package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import dev.nerve.api.sdk.v1.ApiEndpointServiceGrpc;
import dev.nerve.api.sdk.v1.CallEndpointRequest;
import dev.nerve.api.sdk.v1.ExtensionServiceGrpc;
import dev.nerve.api.sdk.v1.InvokeExtensionActionRequest;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import java.util.concurrent.TimeUnit;

/**
 * Kinds run by the SDK service: {@code sdk.call} (an endpoint registered there, through
 * ApiEndpointService/Call) and the delegated {@code ext:<extension>:<action>} kinds (through
 * ExtensionService/InvokeAction, with the attempt's idempotency key).
 */
final class SdkKinds {

  /** Prefix of delegated kind ids. */
  static final String EXTENSION_PREFIX = "ext:";

  private SdkKinds() {}

  static ActionKind call(ChannelFactory channels) {
    return new ActionKind() {
      @Override
      public String id() {
        return "sdk.call";
      }

      @Override
      public dev.nerve.api.automation.v1.ActionKind category() {
        return dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_HTTP_ENDPOINT;
      }

      @Override
      public String description() {
        return "Calls an endpoint registered in the SDK system. Parameters: endpoint, params.";
      }

      @Override
      public Struct inputSchema() {
        return Schemas.of(
            "{\"type\":\"object\",\"properties\":{\"endpoint\":{\"type\":\"string\",\"minLength\":1},"
                + "\"params\":{\"type\":\"object\"}},\"required\":[\"endpoint\"],\"additionalProperties\":false}");
      }

      @Override
      public Value run(Invocation call) {
        CallEndpointRequest request = ServiceCalls.request(call.params(), CallEndpointRequest.newBuilder()).build();
        return ServiceCalls.call(
            call,
            () ->
                ApiEndpointServiceGrpc.newBlockingStub(channels.channel(Target.SDK))
                    .withDeadlineAfter(call.remainingMillis(), TimeUnit.MILLISECONDS)
                    .call(request));
      }
    };
  }

  /** Whether a kind id names an extension's action. */
  static boolean isExtension(String kindId) {
    return kindId.startsWith(EXTENSION_PREFIX) && kindId.split(":", -1).length == 3
        && !kindId.split(":", -1)[1].isEmpty() && !kindId.split(":", -1)[2].isEmpty();
  }

  /** The kind of {@code ext:<extensionId>:<action>}. */
  static ActionKind extension(ChannelFactory channels, String kindId) {
    String[] parts = kindId.split(":", -1);
    String extensionId = parts[1];
    String action = parts[2];
    return new ActionKind() {
      @Override
      public String id() {
        return kindId;
      }

      @Override
      public dev.nerve.api.automation.v1.ActionKind category() {
        return dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_EXTENSION_TOOL;
      }

      @Override
      public String description() {
        return "Action " + action + " of extension " + extensionId + ".";
      }

      @Override
      public Struct inputSchema() {
        return null;
      }

      @Override
      public Value run(Invocation call) {
        InvokeExtensionActionRequest request =
            InvokeExtensionActionRequest.newBuilder()
                .setExtensionId(extensionId)
                .setAction(action)
                .setInput(call.params())
                .setIdempotencyKey(call.idempotencyKey())
                .setTimeout(Durations.fromMillis(call.remainingMillis()))
                .build();
        Value response =
            ServiceCalls.call(
                call,
                () ->
                    ExtensionServiceGrpc.newBlockingStub(channels.channel(Target.SDK))
                        .withDeadlineAfter(call.remainingMillis(), TimeUnit.MILLISECONDS)
                        .invokeAction(request));
        Struct fields = response.getStructValue();
        if (fields.containsFields("logs")) {
          fields.getFieldsOrThrow("logs").getListValue().getValuesList().forEach(line -> call.log(line.getStringValue()));
        }
        return fields.getFieldsOrDefault("output", dev.nerve.automation.support.Json.nullValue());
      }
    };
  }
}
