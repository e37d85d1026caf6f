package dev.nerve.platform.security;

import com.google.protobuf.Descriptors;
import dev.nerve.api.common.v1.Operation;
import dev.nerve.api.common.v1.OperationProto;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The facts an RPC declares with the {@code (nerve.common.v1.operation)} option, read from its
 * descriptor: the one place permission, rate-limit cost and audit are stated, from which services
 * enforce permissions and the gateway derives both public surfaces.
 *
 * @param method full method name, e.g. {@code nerve.memory.v1.LongTermMemoryService/Store}
 * @param permission what the caller needs
 * @param cost rate-limit units a call takes
 * @param audit whether calls are written to the audit log
 * @param creates whether a successful call creates a resource (REST 201)
 */
public record RpcOperation(String method, Permission permission, int cost, boolean audit, boolean creates) {

  private static final Map<String, Optional<RpcOperation>> CACHE = new ConcurrentHashMap<>();

  /** The operation of a gRPC method; empty when it is not a Nerve contract method or declares none. */
  public static Optional<RpcOperation> of(MethodDescriptor<?, ?> method) {
    return CACHE.computeIfAbsent(
        method.getFullMethodName(),
        name ->
            method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier supplier
                ? read(supplier.getMethodDescriptor())
                : Optional.empty());
  }

  /** The operation of a protobuf method descriptor; empty when it declares none. */
  public static Optional<RpcOperation> of(Descriptors.MethodDescriptor method) {
    return CACHE.computeIfAbsent(fullName(method), name -> read(method));
  }

  /** gRPC's full name of a method: {@code package.Service/Method}. */
  public static String fullName(Descriptors.MethodDescriptor method) {
    return method.getService().getFullName() + "/" + method.getName();
  }

  private static Optional<RpcOperation> read(Descriptors.MethodDescriptor method) {
    if (!method.getOptions().hasExtension(OperationProto.operation)) {
      return Optional.empty();
    }
    Operation declared = method.getOptions().getExtension(OperationProto.operation);
    Permission permission =
        Permission.fromId(declared.getPermission())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        fullName(method) + " declares unknown permission '" + declared.getPermission() + "'"));
    return Optional.of(
        new RpcOperation(
            fullName(method), permission, declared.getCost(), declared.getAudit(), declared.getCreates()));
  }
}
