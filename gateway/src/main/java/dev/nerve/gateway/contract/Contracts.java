package dev.nerve.gateway.contract;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.nerve.platform.security.RpcOperation;
import dev.nerve.platform.target.Target;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Every RPC of every Nerve contract (the generated {@code dev.nerve.api.*.*Grpc} classes), found
 * once at start: the gateway builds its GraphQL and REST surfaces from these, and the coverage
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
      Descriptors.ServiceDescriptor proto = proto(service);
      Target target = targetOf(proto);
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

  /** Scans the classpath for the generated contracts and reads their comments. */
  public static Contracts load() {
    List<ServiceDescriptor> found = new ArrayList<>();
    try {
      for (Resource resource :
          new PathMatchingResourcePatternResolver().getResources("classpath*:dev/nerve/api/**/*Grpc.class")) {
        String path = resource.getURL().toString();
        String name =
            path.substring(path.lastIndexOf("dev/nerve/api/"), path.length() - ".class".length())
                .replace('/', '.');
        found.add((ServiceDescriptor) Class.forName(name).getMethod("getServiceDescriptor").invoke(null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the generated gRPC contracts", e);
    }
    found.sort(Comparator.comparing(ServiceDescriptor::getName));
    return new Contracts(found, ProtoComments.load());
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

  /** The target of a contract service: its package is {@code nerve.<target>.v1}. */
  public static Target targetOf(Descriptors.ServiceDescriptor service) {
    String[] parts = service.getFile().getPackage().split("\\.");
    return Target.fromId(parts.length > 1 ? parts[1] : "")
        .orElseThrow(() -> new IllegalStateException(service.getFullName() + " is in no target's package"));
  }

  static Descriptors.ServiceDescriptor proto(ServiceDescriptor service) {
    if (service.getSchemaDescriptor() instanceof ProtoServiceDescriptorSupplier supplier) {
      return supplier.getServiceDescriptor();
    }
    throw new IllegalStateException(service.getName() + " is not a protobuf service");
  }

  @SuppressWarnings("unchecked")
  private static MethodDescriptor<Message, Message> messages(MethodDescriptor<?, ?> method) {
    return (MethodDescriptor<Message, Message>) method;
  }
}
