package dev.nerve.gateway.graphql;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Parsed and validated GraphQL documents by query text. A frontend sends the same few operations
 * over and over with different variables, so parsing and validating each text once takes that work
 * off every later request. Only documents that passed validation are kept, and the cache is bounded
 * by the total length of the texts it holds.
 */
public final class DocumentCache implements PreparsedDocumentProvider {

  private final Cache<String, PreparsedDocumentEntry> documents;

  /** @param maxCharacters total length of the query texts kept */
  public DocumentCache(long maxCharacters) {
    this.documents =
        Caffeine.newBuilder()
            .maximumWeight(maxCharacters)
            .weigher((String query, PreparsedDocumentEntry entry) -> query.length())
            .build();
  }

  @Override
  public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(
      ExecutionInput input, Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
    PreparsedDocumentEntry known = documents.getIfPresent(input.getQuery());
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    PreparsedDocumentEntry entry = parseAndValidate.apply(input);
    if (!entry.hasErrors()) {
      documents.put(input.getQuery(), entry);
    }
    return CompletableFuture.completedFuture(entry);
  }

  /** Number of documents held (for tests and metrics). */
  public long size() {
    documents.cleanUp();
    return documents.estimatedSize();
  }
}
