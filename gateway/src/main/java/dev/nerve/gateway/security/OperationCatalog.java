package dev.nerve.gateway.security;

import dev.nerve.gateway.contract.Contracts;
import dev.nerve.gateway.contract.Rpc;
import dev.nerve.gateway.graphql.RpcDirective;
import dev.nerve.gateway.rest.RestRoutes;
import dev.nerve.platform.security.Permission;
import dev.nerve.platform.security.RpcOperation;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import java.util.Optional;

/**
 * Finds the {@link Operation} behind a GraphQL field or REST route: a field marked {@code @rpc}
 * and a contract route take the facts their RPC declares; a namespace field selects nothing and
 * costs nothing; the gateway's own operations are in {@link GatewayOperations}. Anything else has
 * no entry, and the guards refuse it.
 */
public final class OperationCatalog {

  private final Contracts contracts;

  public OperationCatalog(Contracts contracts) {
    this.contracts = contracts;
  }

  /** The operation of a field of a root or namespace type. */
  public Optional<Operation> graphql(GraphQLObjectType parent, GraphQLFieldDefinition field) {
    String coordinate = parent.getName() + "." + field.getName();
    Optional<RpcDirective> directive = RpcDirective.of(field);
    if (directive.isPresent()) {
      return contracts.rpc(directive.get().method()).map(rpc -> of(coordinate, rpc));
    }
    if (RpcDirective.namespace(field.getType())) {
      return Optional.of(new Operation(coordinate, Permission.SESSION, 0, false));
    }
    return GatewayOperations.graphql(coordinate);
  }

  /** The operation of a REST request by its handler, method and matched pattern. */
  public Optional<Operation> rest(Object handler, String method, String pattern) {
    return RestRoutes.of(handler)
        .map(route -> of(route.key(), route.rpc()))
        .or(() -> GatewayOperations.rest(method, pattern));
  }

  private static Operation of(String name, Rpc rpc) {
    RpcOperation declared = rpc.operation();
    return new Operation(name, declared.permission(), declared.cost(), declared.audit());
  }
}
