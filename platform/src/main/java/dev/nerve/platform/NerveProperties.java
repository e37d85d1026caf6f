package dev.nerve.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Process-wide settings shared by every target (prefix {@code nerve}); each is listed with its
 * default in the README's configuration table.
 *
 * @param targets targets this process runs: {@code all} or a comma list
 * @param dataDir where embedded servers and local state live
 * @param database external PostgreSQL; blank URL starts the embedded server
 * @param redis external Redis; blank URL starts the embedded server
 * @param grpc the gRPC server and client defaults
 * @param services network addresses of targets that run in other processes
 */
@ConfigurationProperties("nerve")
public record NerveProperties(
    @DefaultValue("all") String targets,
    @DefaultValue("./data") Path dataDir,
    @DefaultValue Database database,
    @DefaultValue Redis redis,
    @DefaultValue Grpc grpc,
    Map<String, Service> services) {

  public NerveProperties {
    services = services == null ? Map.of() : Map.copyOf(services);
  }

  /**
   * PostgreSQL connection.
   *
   * @param url JDBC URL such as {@code jdbc:postgresql://db:5432/nerve}; blank means embedded
   * @param username login role
   * @param password login password
   * @param maxPoolSize connection pool size
   * @param connectTimeout longest wait for a connection (from the pool or a new one); past it a
   *     call fails with UNAVAILABLE instead of waiting for its deadline
   * @param socketTimeout longest wait for the server's answer on an open connection, so a server
   *     that stops answering cannot hold a call
   * @param embeddedDurable whether the embedded server syncs every commit to disk (fsync and
   *     synchronous commit on); {@code false} is faster but loses acknowledged writes on a crash
   */
  public record Database(
      String url,
      String username,
      String password,
      @DefaultValue("10") int maxPoolSize,
      @DefaultValue("1s") Duration connectTimeout,
      @DefaultValue("30s") Duration socketTimeout,
      @DefaultValue("true") boolean embeddedDurable) {

    /** Whether an external server is configured. */
    public boolean external() {
      return url != null && !url.isBlank();
    }
  }

  /**
   * Redis connection.
   *
   * @param url Redis URI such as {@code redis://cache:6379/0}; blank means embedded
   * @param connectTimeout longest wait to (re)connect
   * @param commandTimeout longest wait for one command's answer on an open connection
   * @param circuitOpenFor how long Redis is skipped once the circuit breaker found it down, before
   *     trial calls check whether it is back
   */
  public record Redis(
      String url,
      @DefaultValue("1s") Duration connectTimeout,
      @DefaultValue("2s") Duration commandTimeout,
      @DefaultValue("1s") Duration circuitOpenFor) {

    /** Whether an external server is configured. */
    public boolean external() {
      return url != null && !url.isBlank();
    }
  }

  /**
   * gRPC server and client defaults.
   *
   * @param port network port of the gRPC server (0 picks a free port, -1 disables it)
   * @param defaultDeadline deadline applied to an outgoing call that has none
   * @param address interface the network gRPC server binds to: loopback by default, {@code
   *     0.0.0.0} to accept other machines (the Helm chart and the container image set that)
   */
  public record Grpc(
      @DefaultValue("9090") int port,
      @DefaultValue("10s") Duration defaultDeadline,
      @DefaultValue("127.0.0.1") String address) {

  }

  /**
   * Where a target that runs in another process answers.
   *
   * @param address gRPC target string, e.g. {@code dns:///nerve-memory:9090} or {@code
   *     localhost:9091}
   */
  public record Service(String address) {}
}
