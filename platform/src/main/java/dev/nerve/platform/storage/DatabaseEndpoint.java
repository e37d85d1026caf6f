package dev.nerve.platform.storage;

/**
 * The PostgreSQL server in use, whether configured or embedded.
 *
 * @param jdbcUrl JDBC URL
 * @param username login role
 * @param password login password (never logged)
 * @param embedded whether Nerve started this server itself
 */
public record DatabaseEndpoint(String jdbcUrl, String username, String password, boolean embedded) {

  /** URL without credentials, safe for logs and status output. */
  public String display() {
    int query = jdbcUrl.indexOf('?');
    return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
  }

  @Override
  public String toString() {
    return "DatabaseEndpoint[" + display() + (embedded ? ", embedded" : "") + "]";
  }
}
