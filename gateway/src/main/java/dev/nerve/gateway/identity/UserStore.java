package dev.nerve.gateway.identity;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** Tenants and users in the gateway schema; passwords only ever as bcrypt hashes. */
public final class UserStore {

  private final JdbcClient jdbc;
  private final BCryptPasswordEncoder passwords = new BCryptPasswordEncoder(10);

  /** Compared against when the username is unknown, so both paths cost one bcrypt check. */
  private final String dummyHash = passwords.encode(Secrets.random());

  public UserStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Creates the tenant unless it exists. */
  public void ensureTenant(String tenantId, String name) {
    jdbc.sql("insert into gateway.tenants (id, name) values (?, ?) on conflict (id) do nothing")
        .params(tenantId, name)
        .update();
  }

  /** Whether the tenant exists. */
  public boolean tenantExists(String tenantId) {
    return jdbc.sql("select exists (select 1 from gateway.tenants where id = ?)").param(tenantId).query(Boolean.class).single();
  }

  /** Whether the tenant has any user. */
  public boolean anyUser(String tenantId) {
    return jdbc.sql("select exists (select 1 from gateway.users where tenant_id = ?)")
        .param(tenantId)
        .query(Boolean.class)
        .single();
  }

  /** Holds a transaction-scoped advisory lock on the tenant id, so concurrent setups of it queue. */
  void lockTenant(String tenantId) {
    jdbc.sql("select 1 from (select pg_advisory_xact_lock(hashtext('gateway.tenant:' || ?))) l").param(tenantId).query(Integer.class).single();
  }

  /** Creates a user; CONFLICT (ALREADY_EXISTS) when the username is taken. */
  public UserAccount create(String tenantId, String username, String password, List<String> roles) {
    UUID id = UUID.randomUUID();
    try {
      jdbc.sql(
              "insert into gateway.users (id, tenant_id, username, password_hash, roles)"
                  + " values (?, ?, ?, ?, ?)")
          .params(id, tenantId, username, passwords.encode(password), roles.toArray(String[]::new))
          .update();
    } catch (DuplicateKeyException e) {
      throw new NerveException(ErrorCode.ALREADY_EXISTS, "username '" + username + "' is taken");
    }
    return byId(id).orElseThrow();
  }

  /** The user whose password matches, empty otherwise (unknown name, wrong password, disabled). */
  public Optional<UserAccount> authenticate(String username, String password) {
    Optional<String> hash =
        jdbc.sql("select password_hash from gateway.users where username = ?")
            .param(username)
            .query(String.class)
            .optional();
    boolean matches = passwords.matches(password, hash.orElse(dummyHash));
    if (hash.isEmpty() || !matches) {
      return Optional.empty();
    }
    return byUsername(username).filter(user -> !user.disabled());
  }

  public Optional<UserAccount> byId(UUID id) {
    return jdbc.sql(SELECT + " where id = ?").param(id).query(UserStore::row).optional();
  }

  public Optional<UserAccount> byUsername(String username) {
    return jdbc.sql(SELECT + " where username = ?").param(username).query(UserStore::row).optional();
  }

  /** Users of one tenant, oldest first. */
  public List<UserAccount> list(String tenantId) {
    return jdbc.sql(SELECT + " where tenant_id = ? order by created_at, id")
        .param(tenantId)
        .query(UserStore::row)
        .list();
  }

  /** Whether any user exists at all (bootstrap runs only on an empty installation). */
  public boolean anyUser() {
    return jdbc.sql("select exists (select 1 from gateway.users)").query(Boolean.class).single();
  }

  /** Disables or enables a user of the tenant; NOT_FOUND for other tenants' users. */
  public UserAccount setDisabled(String tenantId, UUID id, boolean disabled) {
    int changed =
        jdbc.sql("update gateway.users set disabled = ? where id = ? and tenant_id = ?")
            .params(disabled, id, tenantId)
            .update();
    if (changed == 0) {
      throw NerveException.notFound("user", id.toString());
    }
    return byId(id).orElseThrow();
  }

  private static final String SELECT =
      "select id, tenant_id, username, roles, disabled, created_at from gateway.users";

  private static UserAccount row(ResultSet rs, int n) throws SQLException {
    return new UserAccount(
        rs.getObject("id", UUID.class),
        rs.getString("tenant_id"),
        rs.getString("username"),
        strings(rs.getArray("roles")),
        rs.getBoolean("disabled"),
        rs.getTimestamp("created_at").toInstant());
  }

  static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }

  static java.time.Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
