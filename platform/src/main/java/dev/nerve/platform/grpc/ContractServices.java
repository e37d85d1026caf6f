package dev.nerve.platform.grpc;

import com.google.protobuf.Descriptors;
import dev.nerve.platform.target.Target;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The services of the Nerve contracts (every generated {@code dev.nerve.api.*.*Grpc} class) and the
 * target each belongs to (its package is {@code nerve.<target>.v1}). The gRPC servers check at
 * start that each target running here registers every one of its contracts, and the gateway builds
 * its surfaces from them.
 */
public final class ContractServices {

  private static volatile List<ServiceDescriptor> all;

  private ContractServices() {}

  /** Every contract service, by name. */
  public static List<ServiceDescriptor> all() {
    List<ServiceDescriptor> found = all;
    if (found == null) {
      found = scan();
      all = found;
    }
    return found;
  }

  /** The target whose module implements a contract service. */
  public static Target targetOf(ServiceDescriptor service) {
    return targetOf(proto(service));
  }

  /** The target of a protobuf service: its package is {@code nerve.<target>.v1}. */
  public static Target targetOf(Descriptors.ServiceDescriptor service) {
    String[] parts = service.getFile().getPackage().split("\\.");
    return Target.fromId(parts.length > 1 ? parts[1] : "")
        .orElseThrow(() -> new IllegalStateException(service.getFullName() + " is in no target's package"));
  }

  /** The protobuf descriptor of a generated service. */
  public static Descriptors.ServiceDescriptor proto(ServiceDescriptor service) {
    if (service.getSchemaDescriptor() instanceof ProtoServiceDescriptorSupplier supplier) {
      return supplier.getServiceDescriptor();
    }
    throw new IllegalStateException(service.getName() + " is not a protobuf service");
  }

  /**
   * The contract services of {@code targets} that {@code registered} does not provide, by name;
   * empty when every contract has an implementation (or a registered placeholder).
   */
  public static List<String> missing(
      Collection<ServiceDescriptor> contracts, Set<Target> targets, Collection<TargetService> registered) {
    Set<String> provided =
        registered.stream()
            .map(s -> s.service().bindService().getServiceDescriptor().getName())
            .collect(Collectors.toSet());
    return contracts.stream()
        .filter(c -> targets.contains(targetOf(c)))
        .map(ServiceDescriptor::getName)
        .filter(name -> !provided.contains(name))
        .sorted()
        .toList();
  }

  private static List<ServiceDescriptor> scan() {
    List<ServiceDescriptor> found = new ArrayList<>();
    try {
      for (Resource resource :
          new PathMatchingResourcePatternResolver().getResources("classpath*:dev/nerve/api/**/*Grpc.class")) {
        String path = resource.getURL().toString();
        String name =
            path.substring(path.lastIndexOf("dev/nerve/api/"), path.length() - ".class".length()).replace('/', '.');
        found.add((ServiceDescriptor) Class.forName(name).getMethod("getServiceDescriptor").invoke(null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the generated gRPC contracts", e);
    }
    found.sort(Comparator.comparing(ServiceDescriptor::getName));
    return List.copyOf(found);
  }
}
