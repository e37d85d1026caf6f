package dev.nerve.gateway.audit;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;

/** The trace id of the current request, recorded with audit entries (null without tracing). */
public final class TraceIds {

  private final ObjectProvider<Tracer> tracer;

  public TraceIds(ObjectProvider<Tracer> tracer) {
    this.tracer = tracer;
  }

  public String current() {
    Tracer t = tracer.getIfAvailable();
    Span span = t == null ? null : t.currentSpan();
    return span == null ? null : span.context().traceId();
  }
}
