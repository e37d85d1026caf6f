package dev.nerve.memory.longterm;

import dev.nerve.memory.search.ChangeFeed;
import dev.nerve.memory.search.IndexedMemory;
import dev.nerve.memory.support.Json;
import dev.nerve.memory.support.Owner;
import dev.nerve.memory.support.Times;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Long-term memories, their versions and the change feed in PostgreSQL. Every write appends to
 * {@code memory.memory_change} under a transaction-scoped advisory lock, so feed order is commit
 * order (see the migration).
 */
final class MemoryRepository implements ChangeFeed {

  private static final String COLUMNS =
      "id, tenant_id, user_id, agent_id, session_id, text, tags, source, importance, expires_at,"
          + " metadata::text AS metadata, version, created_at, updated_at, occurred_at, ordinal,"
          + " embedding_model, embedding_dimension";
  /** The columns of a version row, in the shape of {@link #COLUMNS}. */
  private static final String VERSION_COLUMNS =
      "memory_id AS id, tenant_id, user_id, agent_id, session_id, text, tags, source, importance,"
          + " expires_at, metadata::text AS metadata, version, created_at, updated_at, occurred_at,"
          + " 0 AS ordinal, embedding_model, embedding_dimension";
  private static final long FEED_LOCK = 0x6d656d6f72790001L;

  private static final String INSERT =
      "INSERT INTO memory.long_term_memory (id, tenant_id, user_id, agent_id, session_id, text,"
          + " tags, source, importance, expires_at, metadata, version, created_at, updated_at,"
          + " occurred_at, embedding_model, embedding_dimension, embedding)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_VERSION =
      "INSERT INTO memory.long_term_memory_version (memory_id, tenant_id, user_id, agent_id,"
          + " session_id, text, tags, source, importance, expires_at, metadata, version, created_at,"
          + " updated_at, occurred_at, embedding_model, embedding_dimension)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)";

  private final JdbcClient jdbc;
  private final JdbcTemplate batch;

  MemoryRepository(JdbcClient jdbc, JdbcTemplate batch) {
    this.jdbc = jdbc;
    this.batch = batch;
  }

  /** Inserts new current rows in one batch (their versions are appended separately). */
  void insertAll(List<MemoryRow> rows) {
    if (!rows.isEmpty()) {
      batch.batchUpdate(INSERT, rows.stream().map(row -> values(row, true)).toList());
    }
  }

  /** Appends version rows in one batch. */
  void appendVersions(List<MemoryRow> rows) {
    if (!rows.isEmpty()) {
      batch.batchUpdate(INSERT_VERSION, rows.stream().map(row -> Arrays.copyOf(values(row, true), 17)).toList());
    }
  }

  /** Overwrites the current row (its version is appended separately). */
  void updateCurrent(MemoryRow row) {
    jdbc.sql(
            "UPDATE memory.long_term_memory SET tenant_id = ?, user_id = ?, agent_id = ?, session_id = ?,"
                + " text = ?, tags = ?, source = ?, importance = ?, expires_at = ?, metadata = ?::jsonb,"
                + " version = ?, created_at = ?, updated_at = ?, occurred_at = ?, embedding_model = ?,"
                + " embedding_dimension = ?, embedding = ? WHERE id = ?")
        .params(values(row, false))
        .update();
  }

  Optional<MemoryRow> find(String tenantId, String userId, String id, boolean lock) {
    return jdbc.sql(
            "SELECT " + COLUMNS + ", embedding FROM memory.long_term_memory"
                + " WHERE id = ? AND tenant_id = ? AND user_id = ?" + (lock ? " FOR UPDATE" : ""))
        .params(UUID.fromString(id), tenantId, userId)
        .query((rs, n) -> map(rs, true))
        .optional();
  }

  Optional<MemoryRow> findVersion(String tenantId, String userId, String id, long version) {
    return jdbc.sql(
            "SELECT " + VERSION_COLUMNS + " FROM memory.long_term_memory_version"
                + " WHERE memory_id = ? AND tenant_id = ? AND user_id = ? AND version = ?")
        .params(UUID.fromString(id), tenantId, userId, version)
        .query((rs, n) -> map(rs, false))
        .optional();
  }

  /** Current rows of the given ids in one tenant and user, without vectors. */
  List<MemoryRow> findAll(String tenantId, String userId, Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM memory.long_term_memory"
                + " WHERE id = ANY(?::uuid[]) AND tenant_id = ? AND user_id = ?")
        .params(uuids(ids), tenantId, userId)
        .query((rs, n) -> map(rs, false))
        .list();
  }

  /** Current rows of the given ids with their vectors (for explanations). */
  List<MemoryRow> findAllWithVectors(String tenantId, String userId, Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            "SELECT " + COLUMNS + ", embedding FROM memory.long_term_memory"
                + " WHERE id = ANY(?::uuid[]) AND tenant_id = ? AND user_id = ?")
        .params(uuids(ids), tenantId, userId)
        .query((rs, n) -> map(rs, true))
        .list();
  }

  void update(MemoryRow row) {
    updateCurrent(row);
    appendVersions(List.of(row));
  }

  /**
   * Replaces the vectors of memories re-embedded from {@code rows} as they were read (not a new
   * version of their content), and appends their change-feed entries; returns the ids written. A
   * memory another transaction holds, or whose version moved since it was read, is left as it is:
   * its vector may have been computed from a text or place it no longer has. Call inside a
   * transaction.
   */
  Set<String> updateEmbeddingsIfUnchanged(List<MemoryRow> rows, String model, List<float[]> vectors) {
    Map<String, Long> versions = lockFree(rows.stream().map(MemoryRow::id).toList());
    List<Object[]> current = new ArrayList<>();
    List<Object[]> versionRows = new ArrayList<>();
    Map<String, List<String>> byTenant = new LinkedHashMap<>();
    Set<String> written = new LinkedHashSet<>();
    for (int i = 0; i < rows.size(); i++) {
      MemoryRow row = rows.get(i);
      Long version = versions.get(row.id());
      if (version != null && version == row.version() && written.add(row.id())) {
        UUID id = UUID.fromString(row.id());
        float[] vector = vectors.get(i);
        current.add(new Object[] {model, vector.length, bytes(vector), id});
        versionRows.add(new Object[] {model, vector.length, id, row.version()});
        byTenant.computeIfAbsent(row.owner().tenantId(), t -> new ArrayList<>()).add(row.id());
      }
    }
    if (!current.isEmpty()) {
      batch.batchUpdate(
          "UPDATE memory.long_term_memory SET embedding_model = ?, embedding_dimension = ?, embedding = ? WHERE id = ?",
          current);
      batch.batchUpdate(
          "UPDATE memory.long_term_memory_version SET embedding_model = ?, embedding_dimension = ?"
              + " WHERE memory_id = ? AND version = ?",
          versionRows);
      byTenant.forEach(this::changed);
    }
    return written;
  }

  /** Deletes a memory and its versions; returns whether it existed. */
  boolean delete(String id) {
    jdbc.sql("DELETE FROM memory.long_term_memory_version WHERE memory_id = ?")
        .param(UUID.fromString(id))
        .update();
    return jdbc.sql("DELETE FROM memory.long_term_memory WHERE id = ?").param(UUID.fromString(id)).update() > 0;
  }

  /** Appends changes of the given memories to the feed; call last in the transaction. */
  void changed(String tenantId, Collection<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    lockFeed();
    jdbc.sql(
            "INSERT INTO memory.memory_change (tenant_id, memory_id) SELECT ?, unnest(?::uuid[])")
        .params(tenantId, uuids(ids))
        .update();
  }

  /** Page of memories, most recently updated first, after a keyset position when given. */
  List<MemoryRow> list(
      Owner scope, List<String> tagsAny, boolean includeExpired, Long afterMicros, String afterId, int limit) {
    StringBuilder sql =
        new StringBuilder("SELECT " + COLUMNS + " FROM memory.long_term_memory WHERE tenant_id = :t AND user_id = :u");
    if (!scope.agentId().isEmpty()) {
      sql.append(" AND agent_id = :agent");
    }
    if (!scope.sessionId().isEmpty()) {
      sql.append(" AND session_id = :session");
    }
    if (!tagsAny.isEmpty()) {
      sql.append(" AND tags && CAST(:tags AS text[])");
    }
    if (!includeExpired) {
      sql.append(" AND (expires_at IS NULL OR expires_at > now())");
    }
    if (afterMicros != null) {
      sql.append(" AND (updated_at, id) < (:afterAt, :afterId)");
    }
    sql.append(" ORDER BY updated_at DESC, id DESC LIMIT :limit");
    return jdbc.sql(sql.toString())
        .param("t", scope.tenantId())
        .param("u", scope.userId())
        .param("agent", scope.agentId())
        .param("session", scope.sessionId())
        .param("tags", tagsAny.toArray(String[]::new))
        .param("afterAt", afterMicros == null ? null : Times.sql(micros(afterMicros)))
        .param("afterId", afterId == null ? null : UUID.fromString(afterId))
        .param("limit", limit)
        .query((rs, n) -> map(rs, false))
        .list();
  }

  List<MemoryRow> versions(String tenantId, String userId, String id, Long beforeVersion, int limit) {
    return jdbc.sql(
            "SELECT " + VERSION_COLUMNS + " FROM memory.long_term_memory_version"
                + " WHERE memory_id = ? AND tenant_id = ? AND user_id = ? AND version < ?"
                + " ORDER BY version DESC LIMIT ?")
        .params(UUID.fromString(id), tenantId, userId, beforeVersion == null ? Long.MAX_VALUE : beforeVersion, limit)
        .query((rs, n) -> map(rs, false))
        .list();
  }

  /** Deletes every memory of a user; returns [memories, past versions] deleted. */
  long[] forget(String tenantId, String userId) {
    List<String> ids =
        jdbc.sql("DELETE FROM memory.long_term_memory WHERE tenant_id = ? AND user_id = ? RETURNING id::text")
            .params(tenantId, userId)
            .query(String.class)
            .list();
    long versions =
        jdbc.sql("DELETE FROM memory.long_term_memory_version WHERE tenant_id = ? AND user_id = ?")
            .params(tenantId, userId)
            .update();
    jdbc.sql("DELETE FROM memory.context_refresh WHERE memory_id = ANY(?::uuid[])").param(uuids(ids)).update();
    changed(tenantId, ids);
    return new long[] {ids.size(), versions - ids.size()};
  }

  /** Deletes up to {@code batch} memories expired at {@code now}, with their feed entries; returns where they were. */
  List<Position> purgeExpired(Instant now, int batch) {
    Map<String, List<String>> byTenant = new LinkedHashMap<>();
    List<Position> gone =
        jdbc.sql(
                "DELETE FROM memory.long_term_memory WHERE id IN (SELECT id FROM memory.long_term_memory"
                    + " WHERE expires_at <= ? LIMIT ?)"
                    + " RETURNING id::text, tenant_id, user_id, agent_id, session_id, occurred_at, ordinal")
            .params(Times.sql(now), batch)
            .query((rs, n) -> {
              byTenant.computeIfAbsent(rs.getString(2), t -> new ArrayList<>()).add(rs.getString(1));
              return new Position(
                  new Owner(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)),
                  Times.read(rs, "occurred_at"),
                  rs.getLong(7));
            })
            .list();
    if (gone.isEmpty()) {
      return gone;
    }
    List<String> ids = byTenant.values().stream().flatMap(List::stream).toList();
    jdbc.sql("DELETE FROM memory.long_term_memory_version WHERE memory_id = ANY(?::uuid[])").param(uuids(ids)).update();
    byTenant.forEach(this::changed);
    return gone;
  }

  /**
   * A memory before another in its session: its text and when it occurred.
   *
   * @param text its text
   * @param occurredAt when it occurred
   */
  record Earlier(String text, Instant occurredAt) {}

  /** The storing order of a memory not stored yet: after every stored one. */
  static final long NOT_STORED = Long.MAX_VALUE;

  /**
   * For each place ({@code times[i]}, {@code ordinals[i]}) in {@code owner}'s session: up to
   * {@code limit} memories before it (occurred earlier, or at the same time and stored earlier,
   * which for {@link #NOT_STORED} is every one at that time), latest first; never the memory
   * {@code selves[i]} (its stored place may differ when it is being moved, null for none) nor those
   * in {@code excluded}. One query; {@code session_id <> ''} lets a generic plan use the partial
   * index of sessions.
   */
  List<List<Earlier>> earlier(
      Owner owner, List<Instant> times, List<Long> ordinals, List<String> selves, int limit, Collection<String> excluded) {
    List<List<Earlier>> found = new ArrayList<>();
    times.forEach(t -> found.add(new ArrayList<>()));
    jdbc.sql(
            "SELECT q.i, m.text, m.occurred_at FROM unnest(?::timestamptz[], ?::bigint[], ?::uuid[])"
                + " WITH ORDINALITY AS q(t, o, self, i)"
                + " CROSS JOIN LATERAL (SELECT text, occurred_at, ordinal FROM memory.long_term_memory"
                + " WHERE tenant_id = ? AND user_id = ? AND agent_id = ? AND session_id = ? AND session_id <> ''"
                // A row comparison, unlike the same condition spelled with OR, bounds the index scan.
                + " AND (occurred_at, ordinal) < (q.t, q.o)"
                + " AND id IS DISTINCT FROM q.self AND NOT id = ANY(?::uuid[])"
                // An expired memory no longer counts, even before maintenance purges it.
                + " AND (expires_at IS NULL OR expires_at > now())"
                + " ORDER BY occurred_at DESC, ordinal DESC LIMIT ?) m"
                + " ORDER BY q.i, m.occurred_at DESC, m.ordinal DESC")
        .params(
            times.stream().map(t -> t.truncatedTo(ChronoUnit.MICROS).toString()).toArray(String[]::new),
            ordinals.toArray(Long[]::new),
            selves.toArray(String[]::new),
            owner.tenantId(), owner.userId(), owner.agentId(), owner.sessionId(), uuids(excluded), limit)
        .query(rs -> {
          found.get(rs.getInt(1) - 1).add(new Earlier(rs.getString(2), Times.read(rs, "occurred_at")));
        });
    return found;
  }

  /**
   * Where a memory sits in its session: its followers are the memories after this position.
   *
   * @param owner the memory's scope
   * @param occurredAt when it occurred
   * @param ordinal its storing order
   */
  record Position(Owner owner, Instant occurredAt, long ordinal) {}

  /** Positions of the given memories that have a session. */
  List<Position> positions(Collection<String> ids) {
    return jdbc.sql(
            "SELECT tenant_id, user_id, agent_id, session_id, occurred_at, ordinal FROM memory.long_term_memory"
                + " WHERE id = ANY(?::uuid[]) AND session_id <> ''")
        .param(uuids(ids))
        .query((rs, n) -> new Position(
            new Owner(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
            Times.read(rs, "occurred_at"),
            rs.getLong(6)))
        .list();
  }

  /**
   * Marks for a context refresh the first {@code turns} memories after each position in its
   * session, except those of {@code fresh} stored after the position (they read it); returns the
   * marked ids. Call under the change-feed lock ({@link #changed}), after the rows are written, so
   * that every write committed before is seen.
   */
  List<String> markFollowers(List<Position> positions, int turns, Collection<String> fresh) {
    List<Position> inSessions = positions.stream().filter(p -> !p.owner().sessionId().isEmpty()).toList();
    if (inSessions.isEmpty() || turns == 0) {
      return List.of();
    }
    return jdbc.sql(
            "INSERT INTO memory.context_refresh (memory_id, tenant_id)"
                + " SELECT DISTINCT f.id, f.tenant_id FROM unnest(?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::timestamptz[], ?::bigint[]) AS p(tenant_id, user_id, agent_id, session_id, occurred_at, ordinal)"
                + " CROSS JOIN LATERAL (SELECT id, tenant_id, ordinal FROM memory.long_term_memory"
                + " WHERE tenant_id = p.tenant_id AND user_id = p.user_id AND agent_id = p.agent_id"
                + " AND session_id = p.session_id AND session_id <> ''"
                + " AND (occurred_at, ordinal) > (p.occurred_at, p.ordinal)"
                + " ORDER BY occurred_at, ordinal LIMIT ?) f"
                + " WHERE NOT (f.id = ANY(?::uuid[]) AND f.ordinal > p.ordinal)"
                + " ON CONFLICT (memory_id) DO UPDATE SET marked_at = clock_timestamp()"
                + " RETURNING memory_id::text")
        .params(
            inSessions.stream().map(p -> p.owner().tenantId()).toArray(String[]::new),
            inSessions.stream().map(p -> p.owner().userId()).toArray(String[]::new),
            inSessions.stream().map(p -> p.owner().agentId()).toArray(String[]::new),
            inSessions.stream().map(p -> p.owner().sessionId()).toArray(String[]::new),
            inSessions.stream().map(p -> p.occurredAt().truncatedTo(ChronoUnit.MICROS).toString()).toArray(String[]::new),
            inSessions.stream().map(Position::ordinal).toArray(Long[]::new),
            turns,
            uuids(fresh))
        .query(String.class)
        .list();
  }

  /**
   * Whether a memory of one of {@code sessions} changed after feed position {@code seq}, other than
   * those in {@code except}; a change of a memory that no longer exists counts (its session is not
   * known any more).
   */
  boolean sessionsChangedSince(long seq, Collection<Owner> sessions, Collection<String> except) {
    List<Owner> owners = List.copyOf(sessions);
    return jdbc.sql(
            "SELECT EXISTS (SELECT 1 FROM memory.memory_change c"
                + " LEFT JOIN memory.long_term_memory m ON m.id = c.memory_id"
                + " WHERE c.seq > ? AND NOT c.memory_id = ANY(?::uuid[]) AND (m.id IS NULL"
                + " OR (m.tenant_id, m.user_id, m.agent_id, m.session_id) IN"
                + " (SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]))))")
        .params(
            seq,
            uuids(except),
            owners.stream().map(Owner::tenantId).toArray(String[]::new),
            owners.stream().map(Owner::userId).toArray(String[]::new),
            owners.stream().map(Owner::agentId).toArray(String[]::new),
            owners.stream().map(Owner::sessionId).toArray(String[]::new))
        .query(Boolean.class)
        .single();
  }

  /** Marks the given memories for a context refresh. Call under the change-feed lock. */
  void markForRefresh(String tenantId, Collection<String> ids) {
    if (!ids.isEmpty()) {
      jdbc.sql(
              "INSERT INTO memory.context_refresh (memory_id, tenant_id) SELECT unnest(?::uuid[]), ?"
                  + " ON CONFLICT (memory_id) DO UPDATE SET marked_at = clock_timestamp()")
          .params(uuids(ids), tenantId)
          .update();
    }
  }

  /**
   * A memory waiting for a context refresh.
   *
   * @param memoryId the memory
   * @param markedAt when it was last marked: a refresh clears only the mark it read
   */
  record Refresh(String memoryId, Instant markedAt) {}

  /** The marks of the given memories, or (with {@code ids} null) the oldest {@code limit} marks. */
  List<Refresh> refreshes(Collection<String> ids, int limit) {
    String where = ids == null ? "" : " WHERE memory_id = ANY(?::uuid[])";
    var sql = jdbc.sql("SELECT memory_id::text, marked_at FROM memory.context_refresh" + where
        + " ORDER BY marked_at LIMIT " + limit);
    if (ids != null) {
      sql = sql.param(uuids(ids));
    }
    return sql.query((rs, n) -> new Refresh(rs.getString(1), Times.read(rs, "marked_at"))).list();
  }

  /** Locks the given memories that no other transaction holds; returns their current versions. */
  Map<String, Long> lockFree(Collection<String> ids) {
    Map<String, Long> versions = new HashMap<>();
    jdbc.sql("SELECT id::text, version FROM memory.long_term_memory WHERE id = ANY(?::uuid[]) FOR UPDATE SKIP LOCKED")
        .param(uuids(ids))
        .query(rs -> {
          versions.put(rs.getString(1), rs.getLong(2));
        });
    return versions;
  }

  /** Clears the marks that were not renewed since they were read. Call under the change-feed lock. */
  void clearRefreshes(Collection<Refresh> done) {
    if (done.isEmpty()) {
      return;
    }
    jdbc.sql("DELETE FROM memory.context_refresh WHERE (memory_id, marked_at) IN"
            + " (SELECT * FROM unnest(?::uuid[], ?::timestamptz[]))")
        .params(
            uuids(done.stream().map(Refresh::memoryId).toList()),
            done.stream().map(r -> r.markedAt().truncatedTo(ChronoUnit.MICROS).toString()).toArray(String[]::new))
        .update();
  }

  /** Takes the change-feed lock (held to the commit), which serializes every memory write's end. */
  void lockFeed() {
    jdbc.sql("SELECT 1 FROM pg_advisory_xact_lock(?)").param(FEED_LOCK).query(Integer.class).single();
  }

  /** Up to {@code limit} memories whose vector was made by another model than {@code model}. */
  List<MemoryRow> embeddedByOtherModel(String model, int limit) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM memory.long_term_memory WHERE embedding_model <> ? LIMIT ?")
        .params(model, limit)
        .query((rs, n) -> map(rs, false))
        .list();
  }

  /** Current rows of the given ids, whoever owns them. */
  List<MemoryRow> rowsById(Collection<String> ids) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM memory.long_term_memory WHERE id = ANY(?::uuid[])")
        .param(uuids(ids))
        .query((rs, n) -> map(rs, false))
        .list();
  }

  /** Memory ids of a tenant after {@code afterId} in id order, for rebuilds. */
  List<String> tenantIds(String tenantId, String afterId, int limit) {
    return jdbc.sql(
            "SELECT id::text FROM memory.long_term_memory WHERE tenant_id = ? AND id::text > ?"
                + " ORDER BY id::text LIMIT ?")
        .params(tenantId, afterId, limit)
        .query(String.class)
        .list();
  }

  @Override
  public long firstSeq() {
    return jdbc.sql("SELECT coalesce(min(seq), 0) FROM memory.memory_change").query(Long.class).single();
  }

  @Override
  public long lastSeq() {
    return jdbc.sql("SELECT coalesce(max(seq), 0) FROM memory.memory_change").query(Long.class).single();
  }

  @Override
  public List<String> ids(String afterId, int max) {
    return jdbc.sql("SELECT id::text FROM memory.long_term_memory WHERE id::text > ? ORDER BY id::text LIMIT ?")
        .params(afterId, max)
        .query(String.class)
        .list();
  }

  /**
   * Deletes feed entries older than {@code before}, always keeping the newest one so replicas can
   * tell a pruned gap from an empty feed; returns how many were deleted.
   */
  int pruneChanges(Instant before) {
    return jdbc.sql(
            "DELETE FROM memory.memory_change WHERE changed_at < ?"
                + " AND seq < (SELECT max(seq) FROM memory.memory_change)")
        .param(Times.sql(before))
        .update();
  }

  @Override
  public List<Change> after(long afterSeq, int max) {
    return jdbc.sql("SELECT seq, memory_id::text FROM memory.memory_change WHERE seq > ? ORDER BY seq LIMIT ?")
        .params(afterSeq, max)
        .query((rs, n) -> new Change(rs.getLong(1), rs.getString(2)))
        .list();
  }

  @Override
  public List<IndexedMemory> load(Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.sql("SELECT " + COLUMNS + ", embedding FROM memory.long_term_memory WHERE id = ANY(?::uuid[])")
        .param(uuids(ids))
        .query((rs, n) -> map(rs, true).indexed())
        .list();
  }

  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
  }

  static Instant micros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000);
  }

  /** Column values; the id comes first for inserts and last for updates. */
  private static Object[] values(MemoryRow row, boolean idFirst) {
    List<Object> values = new ArrayList<>();
    if (idFirst) {
      values.add(UUID.fromString(row.id()));
    }
    values.add(row.owner().tenantId());
    values.add(row.owner().userId());
    values.add(row.owner().agentId());
    values.add(row.owner().sessionId());
    values.add(row.text());
    values.add(row.tags().toArray(String[]::new));
    values.add(row.source());
    values.add(row.importance());
    values.add(Times.sql(row.expiresAt()));
    values.add(Json.print(row.metadata()));
    values.add(row.version());
    values.add(Times.sql(row.createdAt()));
    values.add(Times.sql(row.updatedAt()));
    values.add(Times.sql(row.occurredAt()));
    values.add(row.model());
    values.add(row.dimension());
    values.add(bytes(row.vector()));
    if (!idFirst) {
      values.add(UUID.fromString(row.id()));
    }
    return values.toArray();
  }

  private static MemoryRow map(ResultSet rs, boolean withVector) throws SQLException {
    Array tags = rs.getArray("tags");
    return new MemoryRow(
        rs.getString("id"),
        new Owner(rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("agent_id"), rs.getString("session_id")),
        rs.getString("text"),
        tags == null ? List.of() : List.of((String[]) tags.getArray()),
        rs.getString("source"),
        rs.getDouble("importance"),
        Times.read(rs, "expires_at"),
        Json.struct(rs.getString("metadata")),
        rs.getLong("version"),
        Times.read(rs, "created_at"),
        Times.read(rs, "updated_at"),
        rs.getString("embedding_model"),
        rs.getInt("embedding_dimension"),
        withVector ? floats(rs.getBytes("embedding")) : null,
        Times.read(rs, "occurred_at"),
        rs.getLong("ordinal"));
  }

  private static String[] uuids(Collection<String> ids) {
    return ids.toArray(String[]::new);
  }

  static byte[] bytes(float[] vector) {
    ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : vector) {
      buffer.putFloat(v);
    }
    return buffer.array();
  }

  static float[] floats(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] vector = new float[bytes.length / 4];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = buffer.getFloat();
    }
    return vector;
  }
}
