package dev.nerve.learning.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.springframework.jdbc.core.PreparedStatementCreator;

/**
 * A query built from optional filters: its SQL and the parameters in order, bound when it runs
 * ({@code String[]} as a PostgreSQL {@code text[]}, for {@code = any(?)}).
 */
public record BoundStatement(String sql, List<Object> params) implements PreparedStatementCreator {

  @Override
  public PreparedStatement createPreparedStatement(Connection con) throws SQLException {
    PreparedStatement statement = con.prepareStatement(sql);
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof String[] array) {
        statement.setArray(i + 1, con.createArrayOf("text", array));
      } else {
        statement.setObject(i + 1, p);
      }
    }
    return statement;
  }
}
