package dev.nerve.memory.embedding;

import dev.nerve.memory.MemoryProperties;
import dev.nerve.memory.support.MemoryGates;
import dev.nerve.platform.NerveProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the embedder (the configured local model unless an endpoint is configured) and puts it
 * behind memory's embedding queue. A local model missing from the executable fails the start with
 * how to add it ({@code <data-dir>/models}).
 */
@Configuration(proxyBeanMethods = false)
public class EmbeddingConfiguration {

  @Bean
  Embedder embedder(
      MemoryProperties properties, NerveProperties nerve, MemoryGates gates, ObjectProvider<MeterRegistry> meters) {
    return new AdmittedEmbedder(
        model(properties, nerve.dataDir().resolve("models")),
        gates.embedding(),
        meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  private static Embedder model(MemoryProperties properties, Path modelDir) {
    MemoryProperties.Embedding settings = properties.embedding();
    if (settings.remote()) {
      if (settings.model() == null || settings.model().isBlank()) {
        throw new IllegalStateException(
            "nerve.memory.embedding.endpoint needs nerve.memory.embedding.model, the model name at the endpoint");
      }
      return new OpenAiCompatibleEmbedder(
          settings.endpoint(), settings.model(), settings.apiKey(), settings.batchSize(), settings.timeout());
    }
    LocalOnnxEmbedder.requireAvailable(settings.localModel(), modelDir);
    LocalOnnxEmbedder local =
        new LocalOnnxEmbedder(settings.localModel(), settings.batchSize(), settings.queryInstruction());
    local.warmUpInBackground();
    return local;
  }
}
