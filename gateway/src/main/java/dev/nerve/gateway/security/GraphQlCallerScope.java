package dev.nerve.gateway.security;

import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import io.grpc.Context;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;

/**
 * Runs every GraphQL data fetcher as the request's caller: the caller's identity is attached to
 * the gRPC {@link Context} while the fetcher runs, and a subscription's publisher is subscribed
 * inside it, so the service calls they make carry it.
 */
public final class GraphQlCallerScope extends SimplePerformantInstrumentation {

  @Override
  public DataFetcher<?> instrumentDataFetcher(
      DataFetcher<?> fetcher, InstrumentationFieldFetchParameters parameters, InstrumentationState state) {
    if (parameters.isTrivialDataFetcher()) {
      return fetcher;
    }
    return env -> {
      Identity identity = GraphQlCallers.caller(env.getGraphQlContext()).identity();
      if (identity == null) {
        return fetcher.get(env);
      }
      Context previous = Context.current().withValue(IdentityContext.KEY, identity).attach();
      try {
        Object result = fetcher.get(env);
        return result instanceof Publisher<?> publisher ? withIdentity(publisher, identity) : result;
      } finally {
        Context.current().detach(previous);
      }
    };
  }

  private static <T> Publisher<T> withIdentity(Publisher<T> publisher, Identity identity) {
    return (Subscriber<? super T> subscriber) ->
        Context.current().withValue(IdentityContext.KEY, identity).run(() -> publisher.subscribe(subscriber));
  }
}
