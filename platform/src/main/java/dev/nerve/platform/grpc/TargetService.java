package dev.nerve.platform.grpc;

import dev.nerve.platform.target.Target;
import io.grpc.BindableService;
import io.grpc.ServiceDescriptor;

/**
 * A gRPC service a target contributes; service modules declare these as beans and the shared
 * servers pick them up.
 *
 * @param target target the service belongs to (drives its health status)
 * @param service the implementation
 */
public record TargetService(Target target, BindableService service) {

  /** A contract of {@code target} whose implementation has not shipped yet. */
  public static TargetService unimplemented(Target target, ServiceDescriptor descriptor) {
    return new TargetService(target, new UnimplementedService(descriptor));
  }
}
