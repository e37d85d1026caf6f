package dev.nerve.gateway.contract;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.nerve.platform.security.RpcOperation;
import dev.nerve.platform.target.Target;
import io.grpc.MethodDescriptor;
import java.util.ArrayList;
import java.util.List;

/**
 * One RPC of a Nerve contract as the gateway serves it: its descriptor, the gRPC method to call,
 * the target that implements it and the facts it declares.
 *
 * @param descriptor the protobuf method (request and response types, options)
 * @param method the gRPC method, with marshallers for its generated message classes
 * @param target the target whose service implements it
 * @param operation permission, cost, audit and creates, declared on the RPC
 */
public record Rpc(
    Descriptors.MethodDescriptor descriptor,
    MethodDescriptor<Message, Message> method,
    Target target,
    RpcOperation operation) {

  /** gRPC's full method name, e.g. {@code nerve.memory.v1.LongTermMemoryService/Store}. */
  public String fullName() {
    return method.getFullMethodName();
  }

  /** Whether the RPC streams its responses. */
  public boolean serverStreaming() {
    return descriptor.isServerStreaming();
  }

  /** A new builder of the request message. */
  public Message.Builder newRequest() {
    return ((MethodDescriptor.PrototypeMarshaller<Message>) method.getRequestMarshaller())
        .getMessagePrototype()
        .newBuilderForType();
  }

  /** The REST bindings the RPC declares with {@code google.api.http}, additional ones included. */
  public List<HttpRule> httpRules() {
    if (!descriptor.getOptions().hasExtension(AnnotationsProto.http)) {
      return List.of();
    }
    HttpRule rule = descriptor.getOptions().getExtension(AnnotationsProto.http);
    List<HttpRule> rules = new ArrayList<>();
    rules.add(rule.toBuilder().clearAdditionalBindings().build());
    rules.addAll(rule.getAdditionalBindingsList());
    return rules;
  }
}
