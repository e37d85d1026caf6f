package dev.nerve.learning.activity;

import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.learning.support.BoundStatement;
import dev.nerve.learning.support.Json;
import dev.nerve.learning.support.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/** Activity events in {@code learning.activity_event}, keyed by tenant and producer event id. */
public final class ActivityRepository {

  private final JdbcTemplate jdbc;

  public ActivityRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Inserts events whose id is new; returns how many were inserted (the rest were known). */
  int insert(String tenantId, List<ActivityEvent> events) {
    int[][] counts =
        jdbc.batchUpdate(
            "insert into learning.activity_event (tenant_id, id, user_id, type, operation, outcome, source,"
                + " session_id, attributes, occurred_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)"
                + " on conflict (tenant_id, id) do nothing",
            events,
            500,
            (ps, e) -> {
              ps.setString(1, tenantId);
              ps.setString(2, e.getId());
              ps.setString(3, e.getUserId());
              ps.setString(4, e.getType());
              ps.setString(5, e.getOperation());
              ps.setString(6, e.getOutcome());
              ps.setString(7, e.getSource());
              ps.setString(8, e.getSessionId());
              ps.setString(9, Json.print(e.getAttributes()));
              ps.setObject(10, Times.sql(Times.instant(e.getOccurredAt())));
            });
    int inserted = 0;
    for (int[] batch : counts) {
      for (int count : batch) {
        inserted += Math.max(count, 0);
      }
    }
    return inserted;
  }

  /** One event by id, if recorded. */
  java.util.Optional<ActivityEvent> get(String tenantId, String id) {
    return jdbc.query("select * from learning.activity_event where tenant_id = ? and id = ?", ActivityRepository::row, tenantId, id)
        .stream()
        .findFirst();
  }

  /**
   * Events of a user (or every user when {@code userId} is null) in [since, until), oldest first,
   * at most {@code limit}; the miners' input.
   */
  public List<ActivityEvent> window(String tenantId, String userId, Instant since, Instant until, List<String> types, int limit) {
    StringBuilder sql = new StringBuilder("select * from learning.activity_event where tenant_id = ? and occurred_at >= ? and occurred_at < ?");
    List<Object> params = new ArrayList<>(List.of(tenantId, Times.sql(since), Times.sql(until)));
    if (userId != null) {
      sql.append(" and user_id = ?");
      params.add(userId);
    }
    if (!types.isEmpty()) {
      sql.append(" and type = any(?)");
      params.add(types.toArray(String[]::new));
    }
    sql.append(" order by occurred_at, id limit ?");
    params.add(limit);
    return jdbc.query(new BoundStatement(sql.toString(), params), ActivityRepository::row);
  }

  /** A page of a user's events, newest first, after the cursor (occurred_at micros, id). */
  List<ActivityEvent> page(
      String tenantId, String userId, List<String> types, Instant since, Instant until, Instant afterTime, String afterId, int limit) {
    StringBuilder sql = new StringBuilder("select * from learning.activity_event where tenant_id = ? and user_id = ?");
    List<Object> params = new ArrayList<>(List.of(tenantId, userId));
    if (!types.isEmpty()) {
      sql.append(" and type = any(?)");
      params.add(types.toArray(String[]::new));
    }
    if (since != null) {
      sql.append(" and occurred_at >= ?");
      params.add(Times.sql(since));
    }
    if (until != null) {
      sql.append(" and occurred_at < ?");
      params.add(Times.sql(until));
    }
    if (afterTime != null) {
      sql.append(" and (occurred_at, id) < (?, ?)");
      params.add(Times.sql(afterTime));
      params.add(afterId);
    }
    sql.append(" order by occurred_at desc, id desc limit ?");
    params.add(limit);
    return jdbc.query(new BoundStatement(sql.toString(), params), ActivityRepository::row);
  }

  /** Deletes events older than {@code cutoff}, in bounded batches; returns how many. */
  public long purgeBefore(Instant cutoff) {
    long total = 0;
    while (true) {
      int deleted =
          jdbc.update(
              "delete from learning.activity_event where ctid in (select ctid from learning.activity_event"
                  + " where occurred_at < ? limit 10000)",
              Times.sql(cutoff));
      total += deleted;
      if (deleted < 10000) {
        return total;
      }
    }
  }

  static ActivityEvent row(ResultSet rs, int n) throws SQLException {
    ActivityEvent.Builder event =
        ActivityEvent.newBuilder()
            .setId(rs.getString("id"))
            .setUserId(rs.getString("user_id"))
            .setType(rs.getString("type"))
            .setOperation(rs.getString("operation"))
            .setOutcome(rs.getString("outcome"))
            .setSource(rs.getString("source"))
            .setSessionId(rs.getString("session_id"))
            .setAttributes(Json.struct(rs.getString("attributes")))
            .setOccurredAt(Times.proto(Times.read(rs, "occurred_at")))
            .setRecordedAt(Times.proto(Times.read(rs, "recorded_at")));
    return event.build();
  }
}
