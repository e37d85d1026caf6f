package dev.nerve.gateway.graphql;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.nerve.gateway.contract.FieldPaths;
import dev.nerve.gateway.contract.ProtoValues;
import dev.nerve.gateway.contract.RequestBinder;
import dev.nerve.gateway.contract.Rpc;
import dev.nerve.gateway.contract.RpcCalls;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Serves a field marked {@code @rpc}: binds the field's arguments into the RPC's request and calls
 * it. An argument named {@code input} (mutations) or {@code params} (a spec operation's parameter
 * object) is the request itself; {@code first} and {@code after} are the paging arguments; any
 * other argument is the request field of the same name. The result is the response (or its
 * {@code select}ed field); a subscription gets the stream of responses.
 */
final class RpcFetcher implements DataFetcher<Object> {

  /** Arguments that carry the whole request. */
  static final Set<String> REQUEST_ARGUMENTS = Set.of("input", "params");

  private final Rpc rpc;
  private final FieldDescriptor select;
  private final RequestBinder binder;
  private final RpcCalls calls;

  RpcFetcher(Rpc rpc, String select, RequestBinder binder, RpcCalls calls) {
    this.rpc = rpc;
    this.select = select == null ? null : ProtoValues.fields(rpc.descriptor().getOutputType()).get(select);
    if (select != null && this.select == null) {
      throw new IllegalStateException(
          "@rpc select: " + rpc.descriptor().getOutputType().getFullName() + " has no field " + select);
    }
    this.binder = binder;
    this.calls = calls;
  }

  @Override
  public Object get(DataFetchingEnvironment env) {
    Map<String, Object> values = new LinkedHashMap<>();
    FieldPaths.Builder paths = FieldPaths.builder();
    env.getArguments()
        .forEach(
            (name, value) -> {
              if (REQUEST_ARGUMENTS.contains(name) && value instanceof Map<?, ?> request) {
                request.forEach((k, v) -> values.put(String.valueOf(k), v));
                paths.map("", name);
              } else {
                values.put(name, value);
                paths.map(name, name);
              }
            });
    RequestBinder.Bound request =
        binder.bind(rpc.newRequest(), values, RequestBinder.Paging.GRAPHQL, paths, false);
    if (rpc.serverStreaming()) {
      return calls.stream(rpc, request).map(this::selected);
    }
    Message response = calls.unary(rpc, request);
    return DataFetcherResult.newResult().data(selected(response)).localContext(request.message()).build();
  }

  private Object selected(Message response) {
    return select == null ? response : ProtoValues.field(response, select);
  }
}
