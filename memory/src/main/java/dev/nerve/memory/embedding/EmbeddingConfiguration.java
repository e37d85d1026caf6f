package dev.nerve.memory.embedding;

import dev.nerve.memory.MemoryProperties;
import dev.nerve.memory.support.MemoryGates;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the embedder (the configured local model unless an endpoint is configured) and puts it
 * behind memory's embedding queue.
 */
@Configuration(proxyBeanMethods = false)
public class EmbeddingConfiguration {

  @Bean
  Embedder embedder(MemoryProperties properties, MemoryGates gates) {
    return new AdmittedEmbedder(model(properties), gates.embedding());
  }

  private static Embedder model(MemoryProperties properties) {
    MemoryProperties.Embedding settings = properties.embedding();
    if (settings.remote()) {
      if (settings.model() == null || settings.model().isBlank()) {
        throw new IllegalStateException(
            "nerve.memory.embedding.endpoint needs nerve.memory.embedding.model, the model name at the endpoint");
      }
      return new OpenAiCompatibleEmbedder(
          settings.endpoint(), settings.model(), settings.apiKey(), settings.batchSize(), settings.timeout());
    }
    LocalMiniLmEmbedder local = new LocalMiniLmEmbedder(settings.localModel(), settings.batchSize());
    local.warmUpInBackground();
    return local;
  }
}
