package dev.nerve.gateway.graphql;

import dev.nerve.gateway.contract.Contracts;
import dev.nerve.gateway.contract.RequestBinder;
import dev.nerve.gateway.contract.Rpc;
import dev.nerve.gateway.contract.RpcCalls;
import graphql.language.TypeName;
import graphql.schema.DataFetcher;
import graphql.schema.idl.FieldWiringEnvironment;
import graphql.schema.idl.WiringFactory;

/**
 * Wires the GraphQL schema to the contracts with no code per operation: a field marked
 * {@code @rpc} calls its RPC ({@link RpcFetcher}), a field leading to a namespace type selects
 * nothing, and every other field without a resolver of its own reads its source
 * ({@link MessageFetcher}).
 */
public final class ContractWiring implements WiringFactory {

  /** What a namespace field resolves to: a marker with no fields of its own. */
  public enum Namespace {
    INSTANCE
  }

  private final Contracts contracts;
  private final RequestBinder binder;
  private final RpcCalls calls;

  public ContractWiring(Contracts contracts, RequestBinder binder, RpcCalls calls) {
    this.contracts = contracts;
    this.binder = binder;
    this.calls = calls;
  }

  @Override
  public boolean providesDataFetcher(FieldWiringEnvironment env) {
    return RpcDirective.of(env.getFieldDefinition()).isPresent() || namespace(env);
  }

  @Override
  public DataFetcher<?> getDataFetcher(FieldWiringEnvironment env) {
    return RpcDirective.of(env.getFieldDefinition())
        .<DataFetcher<?>>map(
            directive -> {
              Rpc rpc =
                  contracts
                      .rpc(directive.method())
                      .orElseThrow(
                          () ->
                              new IllegalStateException(
                                  "@rpc on " + env.getParentType().getName() + "." + env.getFieldDefinition().getName()
                                      + " names no contract RPC: " + directive.method()));
              return new RpcFetcher(rpc, directive.select(), binder, calls);
            })
        .orElse(e -> Namespace.INSTANCE);
  }

  @Override
  public DataFetcher<?> getDefaultDataFetcher(FieldWiringEnvironment env) {
    return MessageFetcher.INSTANCE;
  }

  private static boolean namespace(FieldWiringEnvironment env) {
    TypeName name = graphql.schema.idl.TypeUtil.unwrapAll(env.getFieldDefinition().getType());
    return name.getName().endsWith("Query") && !name.getName().equals("Query");
  }
}
