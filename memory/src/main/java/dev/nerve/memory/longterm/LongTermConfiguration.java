package dev.nerve.memory.longterm;

import dev.nerve.api.memory.v1.ShortTermItem;
import dev.nerve.memory.MemoryProperties;
import dev.nerve.memory.context.Contexts;
import dev.nerve.memory.embedding.Embedder;
import dev.nerve.memory.search.ChangeNotifications;
import dev.nerve.memory.search.IndexSync;
import dev.nerve.memory.search.KeywordQueries;
import dev.nerve.memory.search.SearchIndex;
import dev.nerve.memory.shortterm.Promotion;
import dev.nerve.memory.shortterm.ShortTermMemory;
import dev.nerve.memory.support.Inputs;
import dev.nerve.memory.support.MemoryActivity;
import dev.nerve.memory.support.MemoryEvents;
import dev.nerve.memory.support.MemoryGates;
import dev.nerve.memory.support.Owner;
import dev.nerve.platform.NerveProperties;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.idempotency.IdempotencyKeys;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires long-term memory: PostgreSQL repository, this replica's Lucene index under {@code
 * <data-dir>/memory-index} kept in step by {@link IndexSync}, hybrid search, maintenance, the gRPC
 * service and the promotion path short-term memory uses.
 */
@Configuration(proxyBeanMethods = false)
public class LongTermConfiguration {

  @Bean
  MemoryRepository memoryRepository(JdbcClient jdbc, JdbcTemplate jdbcTemplate) {
    return new MemoryRepository(jdbc, jdbcTemplate);
  }

  @Bean(destroyMethod = "close")
  SearchIndex memorySearchIndex(NerveProperties nerve, MemoryProperties properties) {
    return new SearchIndex(
        nerve.dataDir().resolve("memory-index"),
        64,
        properties.longTerm().keywordAnalysis(),
        new KeywordQueries(properties.longTerm().queryQuestionWords(), properties.longTerm().keywordLengthNormalization()));
  }

  // Its first tick reads the change feed at once: after the migrations that create it.
  @Bean(destroyMethod = "close")
  @DependsOn("schemaMigrator")
  IndexSync memoryIndexSync(
      SearchIndex index, MemoryRepository repository, MemoryProperties properties, ObjectProvider<MeterRegistry> meters) {
    IndexSync sync = new IndexSync(index, repository);
    // Read when scraped: the change feed's head (one indexed query) against this replica's index.
    Gauge.builder("nerve.memory.index.lag", () -> Math.max(0, repository.lastSeq() - index.appliedSeq()))
        .baseUnit("changes")
        .description("Changes in the memory change feed this replica's search index has not applied yet")
        .register(meters.getIfAvailable(SimpleMeterRegistry::new));
    sync.start(properties.longTerm().syncInterval().toMillis());
    return sync;
  }

  /** Other replicas' writes announce themselves as events; each one triggers a catch-up. */
  @Bean(destroyMethod = "close")
  ChangeNotifications memoryChangeNotifications(RedisClient client, IndexSync sync) {
    return new ChangeNotifications(client, MemoryEvents.CHANNEL, sync);
  }

  @Bean
  SessionContext memorySessionContext(MemoryRepository repository, MemoryProperties properties) {
    return new SessionContext(repository, properties.longTerm().sessionContextTurns());
  }

  @Bean
  MemoryWriter memoryWriter(
      MemoryRepository repository,
      SearchIndex index,
      IndexSync sync,
      Embedder embedder,
      SessionContext context,
      TransactionTemplate tx,
      MemoryEvents events,
      MemoryActivity activity,
      ContextRefresh refresh) {
    return new MemoryWriter(repository, new DuplicateFinder(repository, index), sync, embedder, context, tx, events, activity, refresh);
  }

  @Bean(destroyMethod = "close")
  ContextRefresh memoryContextRefresh(
      MemoryRepository repository, SessionContext context, Embedder embedder, TransactionTemplate tx, IndexSync sync) {
    return new ContextRefresh(repository, context, embedder, tx, sync);
  }

  @Bean
  LongTermMemories longTermMemories(
      MemoryRepository repository,
      IndexSync sync,
      Embedder embedder,
      SessionContext context,
      TransactionTemplate tx,
      MemoryEvents events,
      MemoryWriter writer,
      MemoryActivity activity,
      ContextRefresh refresh,
      ObjectProvider<MeterRegistry> meters) {
    return new LongTermMemories(
        repository, sync, embedder, context, tx, events, writer, activity, refresh, meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Bean(destroyMethod = "close")
  HybridSearcher memoryHybridSearcher(SearchIndex index, MemoryProperties properties) {
    MemoryProperties.LongTerm settings = properties.longTerm();
    return new HybridSearcher(
        index,
        settings.fusion(),
        new HybridSearcher.Expansion(settings.neighbourWindow(), settings.neighbourDecay(), settings.neighbourHits()),
        new HybridSearcher.TextRules(settings.timeBoost(), settings.questionPenalty()),
        settings.rrfK(),
        settings.candidates(),
        settings.recencyHalfLife());
  }

  @Bean
  MemorySearch memorySearch(
      HybridSearcher searcher, MemoryRepository repository, Embedder embedder, ObjectProvider<MeterRegistry> meters) {
    return new MemorySearch(searcher, repository, embedder, meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Bean
  Reembedder reembedder(
      MemoryRepository repository, Embedder embedder, SessionContext context, TransactionTemplate tx, IndexSync sync) {
    return new Reembedder(repository, embedder, context, tx, sync);
  }

  @Bean(destroyMethod = "close")
  MemoryMaintenance memoryMaintenance(
      MemoryRepository repository,
      Contexts contexts,
      Reembedder reembedder,
      IndexSync sync,
      TransactionTemplate tx,
      MemoryProperties properties,
      IdempotencyKeys idempotency,
      ContextRefresh refresh) {
    MemoryMaintenance maintenance =
        new MemoryMaintenance(
            repository, contexts, reembedder, refresh, sync, tx, properties.longTerm().changeRetention(), idempotency);
    maintenance.start(properties.longTerm().purgeInterval().toMillis());
    return maintenance;
  }

  @Bean
  TargetService longTermMemoryService(
      LongTermMemories memories,
      MemorySearch search,
      Inputs inputs,
      MemoryProperties properties,
      ShortTermMemory shortTerm,
      Contexts contexts,
      MemoryRepository repository,
      Reembedder reembedder,
      IndexSync sync,
      Embedder embedder,
      IdempotencyKeys idempotency,
      MemoryGates gates,
      dev.nerve.platform.settings.LiveSettings settings) {
    return new TargetService(
        Target.MEMORY,
        gates.guardWrites(new LongTermGrpcService(
            memories,
            search,
            new LongTermRequests(inputs, properties.longTerm(), settings),
            new UserEraser(memories, shortTerm, contexts),
            new IndexRebuilder(repository, reembedder, sync, embedder),
            idempotency)));
  }

  /** Promotion stores each item through the long-term path (with dedupe), oldest first. */
  @Bean
  Promotion promotion(LongTermMemories memories) {
    return items -> {
      var identity = IdentityContext.require();
      List<LongTermMemories.Draft> drafts = new ArrayList<>();
      for (ShortTermItem item : items) {
        drafts.add(
            new LongTermMemories.Draft(
                new Owner(identity.tenantId(), identity.userId(), item.getScope().getAgentId(), item.getScope().getSessionId()),
                item.getText(),
                List.of("short_term"),
                "short_term",
                0.5,
                null,
                item.getMetadata()));
      }
      long deduplicated =
          memories.storeAll(drafts).stream().filter(LongTermMemories.Stored::deduplicated).count();
      return new Promotion.Outcome(drafts.size() - deduplicated, deduplicated);
    };
  }
}
