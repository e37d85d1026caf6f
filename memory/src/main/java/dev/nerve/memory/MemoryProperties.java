package dev.nerve.memory;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the memory target (prefix {@code nerve.memory}); each is listed with its default in
 * the README's configuration table.
 *
 * @param limits input limits applied to every operation
 * @param shortTerm working memory in Redis
 * @param longTerm durable memories and their search
 * @param embedding how embeddings are computed
 * @param context contexts and their cache
 * @param admission bounded queues in front of embedding and writes
 */
@ConfigurationProperties("nerve.memory")
public record MemoryProperties(
    @DefaultValue Limits limits,
    @DefaultValue ShortTerm shortTerm,
    @DefaultValue LongTerm longTerm,
    @DefaultValue Embedding embedding,
    @DefaultValue Context context,
    @DefaultValue Admission admission) {

  /**
   * Bounded queues (back-pressure): past {@code concurrency} callers at work and {@code queue}
   * waiting, a call is refused at once with RESOURCE_EXHAUSTED (reason OVERLOADED, retry after 1 s)
   * instead of queueing until its deadline.
   *
   * @param embeddingConcurrency embedding calls computed at once; 0 means one per core
   * @param embeddingQueue embedding calls allowed to wait
   * @param writeConcurrency write calls (store, update, delete, manage, clear) running at once
   * @param writeQueue write calls allowed to wait
   * @param maxWait longest wait in a queue for a call without a deadline
   */
  public record Admission(
      @DefaultValue("0") int embeddingConcurrency,
      @DefaultValue("32") int embeddingQueue,
      @DefaultValue("8") int writeConcurrency,
      @DefaultValue("32") int writeQueue,
      @DefaultValue("5s") Duration maxWait) {}

  /**
   * Input limits; a request beyond one fails with INVALID_ARGUMENT naming the field.
   *
   * @param maxTextChars longest text of a memory, item or query, in characters
   * @param maxMetadataBytes largest metadata or context data, as compact JSON in UTF-8
   * @param maxTags most tags on a memory or in a filter
   * @param maxTagChars longest tag
   * @param maxIdChars longest agent id, session id, context id, kind or source
   */
  public record Limits(
      @DefaultValue("32768") int maxTextChars,
      @DefaultValue("65536") int maxMetadataBytes,
      @DefaultValue("64") int maxTags,
      @DefaultValue("128") int maxTagChars,
      @DefaultValue("128") int maxIdChars) {}

  /**
   * Working memory.
   *
   * @param maxItems per-session cap; the oldest items are evicted beyond it
   * @param defaultTtl lifetime of a session after its last write when the call sets none
   * @param maxTtl longest lifetime a call may ask for
   * @param recencyHalfLife age at which an item's recency score halves
   * @param recencyWeight share of recency in the retrieve score (the rest is lexical relevance)
   */
  public record ShortTerm(
      @DefaultValue("200") int maxItems,
      @DefaultValue("24h") Duration defaultTtl,
      @DefaultValue("30d") Duration maxTtl,
      @DefaultValue("1h") Duration recencyHalfLife,
      @DefaultValue("0.3") double recencyWeight) {}

  /**
   * Durable memories and hybrid search (ranking formula on {@code HybridSearcher}).
   *
   * @param dedupeThreshold cosine similarity at or above which a store with dedupe mode SEMANTIC
   *     merges into an existing memory of the same scope, when the request gives no threshold
   * @param keywordWeight default weight of the BM25 ranking in fusion
   * @param vectorWeight default weight of the vector ranking in fusion
   * @param recencyWeight default weight of recency in the final blend
   * @param importanceWeight default weight of importance in the final blend
   * @param rrfK the k constant of reciprocal rank fusion
   * @param recencyHalfLife age at which a memory's recency score halves
   * @param candidates how many hits each ranking (keyword, vector) contributes to fusion
   * @param syncInterval how often a replica polls the change feed as a safety net
   * @param purgeInterval how often expired memories and contexts are deleted
   * @param changeRetention how long change-feed entries are kept; a replica offline for longer
   *     rebuilds its index from PostgreSQL when it returns
   * @param fusion how a candidate's keyword and vector scores become one relevance
   * @param neighbourWindow turns before and after each of the best hits, in the same session,
   *     lifted into the ranking (0 switches expansion off)
   * @param neighbourDecay share of a hit's score a neighbour gets per turn of distance
   * @param neighbourHits how many of the best hits are expanded
   * @param keywordAnalysis how texts become keyword terms: english (stop words, stems) or
   *     standard (lower case only); changing it rebuilds the index
   * @param sessionContextTurns how many memories before it in its session a memory's vector also
   *     reads (their ends, then its own text), so a reply is found by what it replies to; 0 embeds
   *     each text alone. Applies to memories embedded from then on (stores, text updates,
   *     re-embedding after a model change)
   * @param queryQuestionWords whether keyword queries drop the question words (pronouns,
   *     auxiliaries, "what", "when", ...) that {@code english} analysis keeps in texts
   * @param keywordLengthNormalization BM25's {@code b} (0..1): how much a memory's keyword score is
   *     scaled by its length; 0 scores which of the query's words it holds and how often
   * @param timeBoost time-aware search: when a query asks when something happened, the relevance
   *     of memories that say when something happened is raised by this share (0 switches it off;
   *     below 0 fails the start)
   * @param questionPenalty the relevance of a memory that mostly asks (a chat partner's question:
   *     it matches questions about its topic and tells nothing) is lowered by this share (0
   *     switches it off; 0 to below 1)
   */
  public record LongTerm(
      @DefaultValue("0.95") double dedupeThreshold,
      @DefaultValue("1.0") double keywordWeight,
      @DefaultValue("1.0") double vectorWeight,
      @DefaultValue("0.1") double recencyWeight,
      @DefaultValue("0.1") double importanceWeight,
      @DefaultValue("60") int rrfK,
      @DefaultValue("30d") Duration recencyHalfLife,
      @DefaultValue("200") int candidates,
      @DefaultValue("1s") Duration syncInterval,
      @DefaultValue("1m") Duration purgeInterval,
      @DefaultValue("7d") Duration changeRetention,
      @DefaultValue("convex") dev.nerve.memory.longterm.HybridSearcher.Fusion fusion,
      @DefaultValue("0") int neighbourWindow,
      @DefaultValue("0.9") double neighbourDecay,
      @DefaultValue("10") int neighbourHits,
      @DefaultValue("english") dev.nerve.memory.search.KeywordAnalysis keywordAnalysis,
      @DefaultValue("1") int sessionContextTurns,
      @DefaultValue("true") boolean queryQuestionWords,
      @DefaultValue("0") double keywordLengthNormalization,
      @DefaultValue("0.2") double timeBoost,
      @DefaultValue("0.2") double questionPenalty) {}

  /**
   * Embeddings.
   *
   * @param localModel the model computed in-process (ONNX, no network) when no endpoint is set
   * @param model model name at the OpenAI-compatible endpoint; required with {@code endpoint}
   * @param endpoint base URL of an OpenAI-compatible embeddings API (e.g. {@code
   *     http://localhost:11434/v1}); blank uses {@code localModel}
   * @param apiKey bearer token for the endpoint; blank sends none
   * @param batchSize texts per embedding call when many are embedded at once
   * @param timeout deadline of one call to the endpoint
   * @param queryInstruction whether search queries get the local model's retrieval instruction
   *     in front (BGE's; the MiniLM models have none)
   */
  public record Embedding(
      @DefaultValue("bge-small-en-v1.5-q") LocalModel localModel,
      String model,
      String endpoint,
      String apiKey,
      @DefaultValue("64") int batchSize,
      @DefaultValue("30s") Duration timeout,
      @DefaultValue("true") boolean queryInstruction) {

    /** Whether a remote endpoint is configured. */
    public boolean remote() {
      return endpoint != null && !endpoint.isBlank();
    }
  }

  /**
   * Embedding models that run in-process. All map text to 384 dimensions; their vectors are not
   * interchangeable, so each stores its own name with every vector and switching re-embeds.
   */
  public enum LocalModel {
    /**
     * BAAI bge-small-en-v1.5 with int8 weights (MIT licence): CLS pooling, and queries get a
     * retrieval instruction.
     */
    BGE_SMALL_EN_V15_Q("bge-small-en-v1.5-q", true, "Represent this sentence for searching relevant passages: "),
    /** all-MiniLM-L6-v2 with int8 weights: several times faster, nearly the same vectors. */
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", false, ""),
    /** all-MiniLM-L6-v2 with float32 weights, as published. */
    ALL_MINILM_L6_V2("all-minilm-l6-v2", false, "");

    private final String modelName;
    private final boolean clsPooling;
    private final String queryInstruction;

    LocalModel(String modelName, boolean clsPooling, String queryInstruction) {
      this.modelName = modelName;
      this.clsPooling = clsPooling;
      this.queryInstruction = queryInstruction;
    }

    /** The name stored with each vector, e.g. {@code all-minilm-l6-v2-q}; also its files' names. */
    public String modelName() {
      return modelName;
    }

    /** Whether the sentence vector is the first token's (BGE) rather than the tokens' mean. */
    public boolean clsPooling() {
      return clsPooling;
    }

    /** What the model puts in front of a search query, empty for none. */
    public String queryInstruction() {
      return queryInstruction;
    }
  }

  /**
   * Contexts.
   *
   * @param cacheTtl lifetime of a context in the shared Redis cache
   * @param localCacheSize contexts each replica keeps in memory (0 disables the local cache)
   */
  public record Context(
      @DefaultValue("10m") Duration cacheTtl, @DefaultValue("1000") int localCacheSize) {}
}
