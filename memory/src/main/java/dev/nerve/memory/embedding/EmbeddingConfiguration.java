package dev.nerve.memory.embedding;

import dev.nerve.memory.MemoryProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the embedder: the local all-MiniLM-L6-v2 model unless an endpoint is configured. */
@Configuration(proxyBeanMethods = false)
public class EmbeddingConfiguration {

  @Bean
  Embedder embedder(MemoryProperties properties) {
    MemoryProperties.Embedding settings = properties.embedding();
    if (settings.remote()) {
      return new OpenAiCompatibleEmbedder(
          settings.endpoint(), settings.model(), settings.apiKey(), settings.batchSize(), settings.timeout());
    }
    if (!LocalMiniLmEmbedder.MODEL.equals(settings.model())) {
      throw new IllegalStateException(
          "nerve.memory.embedding.model=" + settings.model() + " needs nerve.memory.embedding.endpoint;"
              + " the only local model is " + LocalMiniLmEmbedder.MODEL);
    }
    LocalMiniLmEmbedder local = new LocalMiniLmEmbedder(settings.batchSize());
    local.warmUpInBackground();
    return local;
  }
}
