package dev.nerve.gateway.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.ExecutionInput;
import graphql.GraphqlErrorBuilder;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.parser.Parser;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class DocumentCacheTest {

  private final AtomicInteger parsed = new AtomicInteger();
  private final Function<ExecutionInput, PreparsedDocumentEntry> parser =
      input -> {
        parsed.incrementAndGet();
        return input.getQuery().contains("bad")
            ? new PreparsedDocumentEntry(GraphqlErrorBuilder.newError().message("invalid").build())
            : new PreparsedDocumentEntry(Parser.parse(input.getQuery()));
      };

  private PreparsedDocumentEntry get(DocumentCache cache, String query) {
    return cache.getDocumentAsync(ExecutionInput.newExecutionInput(query).build(), parser).join();
  }

  @Test
  void aValidDocumentIsParsedOnceAndReused() {
    DocumentCache cache = new DocumentCache(10_000);
    PreparsedDocumentEntry first = get(cache, "{ a }");
    PreparsedDocumentEntry second = get(cache, "{ a }");
    get(cache, "{ b }");

    assertThat(second).isSameAs(first);
    assertThat(parsed).hasValue(2);
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void anInvalidDocumentIsCheckedEveryTimeAndNeverKept() {
    DocumentCache cache = new DocumentCache(10_000);
    assertThat(get(cache, "{ bad }").hasErrors()).isTrue();
    assertThat(get(cache, "{ bad }").hasErrors()).isTrue();

    assertThat(parsed).hasValue(2);
    assertThat(cache.size()).isZero();
  }

  @Test
  void theCacheHoldsNoMoreQueryTextThanItsBound() {
    DocumentCache cache = new DocumentCache(100);
    for (int i = 0; i < 50; i++) {
      get(cache, "{ field" + i + " }");
    }
    assertThat(cache.size() * "{ field00 }".length()).isLessThanOrEqualTo(100);
  }
}
