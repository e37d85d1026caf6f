package dev.nerve.gateway.contract;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.nerve.platform.grpc.ContractServices;
import dev.nerve.platform.security.RpcOperation;
import dev.nerve.platform.target.Target;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every RPC of every Nerve contract ({@link ContractServices}), found once at start: the gateway builds its GraphQL and REST surfaces from these, and the coverage
 * checks compare them with what the surfaces and the targets provide.
 */
public final class Contracts {

  private final List<ServiceDescriptor> services;
  private final Map<String, Rpc> rpcs;
  private final ProtoComments comments;

  Contracts(List<ServiceDescriptor> services, ProtoComments comments) {
    this.services = List.copyOf(services);
    this.comments = comments;
    Map<String, Rpc> byName = new LinkedHashMap<>();
    for (ServiceDescriptor service : services) {
      Descriptors.ServiceDescriptor proto = ContractServices.proto(service);
      Target target = ContractServices.targetOf(proto);
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        Descriptors.MethodDescriptor descriptor = proto.findMethodByName(method.getBareMethodName());
        RpcOperation operation =
            RpcOperation.of(descriptor)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            method.getFullMethodName() + " declares no (nerve.common.v1.operation)"));
        byName.put(method.getFullMethodName(), new Rpc(descriptor, messages(method), target, operation));
      }
    }
    this.rpcs = Map.copyOf(byName);
  }

  /** The generated contracts on the classpath, with their comments. */
  public static Contracts load() {
    return new Contracts(ContractServices.all(), ProtoComments.load());
  }

  /** The RPC with this full name, e.g. {@code nerve.memory.v1.LongTermMemoryService/Store}. */
  public Optional<Rpc> rpc(String fullName) {
    return Optional.ofNullable(rpcs.get(fullName));
  }

  /** Every RPC, in no particular order. */
  public Collection<Rpc> rpcs() {
    return rpcs.values();
  }

  /** Every contract service. */
  public List<ServiceDescriptor> services() {
    return services;
  }

  /** The comments written in the {@code .proto} files. */
  public ProtoComments comments() {
    return comments;
  }

  @SuppressWarnings("unchecked")
  private static MethodDescriptor<Message, Message> messages(MethodDescriptor<?, ?> method) {
    return (MethodDescriptor<Message, Message>) method;
  }
}
