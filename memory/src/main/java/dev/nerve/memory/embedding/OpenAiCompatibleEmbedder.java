package dev.nerve.memory.embedding;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.memory.support.Json;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeddings from an OpenAI-compatible {@code POST /embeddings} endpoint (OpenAI, Ollama, vLLM,
 * LocalAI...), for deployments that prefer a hosted or larger model over the local one.
 */
final class OpenAiCompatibleEmbedder implements Embedder {

  private final HttpClient http;
  private final URI uri;
  private final String model;
  private final String apiKey;
  private final int batchSize;
  private final Duration timeout;
  private volatile int dimension;

  OpenAiCompatibleEmbedder(String endpoint, String model, String apiKey, int batchSize, Duration timeout) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    this.uri = URI.create(base + "/embeddings");
    this.model = model;
    this.apiKey = apiKey == null ? "" : apiKey;
    this.batchSize = batchSize;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public int dimension() {
    if (dimension == 0) {
      dimension = embed(List.of("dimension probe")).get(0).length;
    }
    return dimension;
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    List<float[]> vectors = new ArrayList<>(texts.size());
    for (int start = 0; start < texts.size(); start += batchSize) {
      vectors.addAll(call(texts.subList(start, Math.min(texts.size(), start + batchSize))));
    }
    return vectors;
  }

  private List<float[]> call(List<String> texts) {
    ListValue.Builder input = ListValue.newBuilder();
    texts.forEach(t -> input.addValues(Value.newBuilder().setStringValue(t)));
    Struct body =
        Struct.newBuilder()
            .putFields("model", Value.newBuilder().setStringValue(model).build())
            .putFields("input", Value.newBuilder().setListValue(input).build())
            .build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.print(body)));
    if (!apiKey.isBlank()) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unavailable("cannot reach the embeddings endpoint: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while embedding");
    }
    if (response.statusCode() / 100 != 2) {
      throw unavailable("the embeddings endpoint answered HTTP " + response.statusCode());
    }
    List<Value> data = Json.struct(response.body()).getFieldsOrThrow("data").getListValue().getValuesList();
    if (data.size() != texts.size()) {
      throw unavailable("the embeddings endpoint returned " + data.size() + " vectors for " + texts.size() + " texts");
    }
    float[][] vectors = new float[texts.size()][];
    for (int i = 0; i < data.size(); i++) {
      Struct item = data.get(i).getStructValue();
      int index = item.containsFields("index") ? (int) item.getFieldsOrThrow("index").getNumberValue() : i;
      if (index < 0 || index >= vectors.length) {
        throw unavailable("the embeddings endpoint returned a vector for unknown input " + index);
      }
      List<Value> numbers = item.getFieldsOrThrow("embedding").getListValue().getValuesList();
      float[] vector = new float[numbers.size()];
      for (int d = 0; d < vector.length; d++) {
        vector[d] = (float) numbers.get(d).getNumberValue();
      }
      vectors[index] = Embedder.normalize(vector);
    }
    for (float[] vector : vectors) {
      if (vector == null) {
        throw unavailable("the embeddings endpoint left an input without a vector");
      }
    }
    return List.of(vectors);
  }

  private static NerveException unavailable(String message) {
    return new NerveException(ErrorCode.UNAVAILABLE, message);
  }
}
