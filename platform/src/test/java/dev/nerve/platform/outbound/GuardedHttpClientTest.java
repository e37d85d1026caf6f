package dev.nerve.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import io.grpc.Context;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guarded client against real loopback servers: allowed requests work, and every SSRF attempt
 * is refused with a clear error while a listener on the targeted port counts zero connections.
 */
class GuardedHttpClientTest {

  private static LoopbackHttpServer allowed;
  private static LoopbackHttpServer other;
  private static CountingListener forbidden;

  private final List<String> lookups = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> lookupCounts = new ConcurrentHashMap<>();
  private SimpleMeterRegistry registry;
  private OutboundGuard guard;
  private GuardedHttpClient client;

  @BeforeAll
  static void servers() throws IOException {
    allowed = new LoopbackHttpServer();
    other = new LoopbackHttpServer();
    forbidden = new CountingListener();
  }

  @AfterAll
  static void stopServers() throws IOException {
    allowed.close();
    other.close();
    forbidden.close();
  }

  @BeforeEach
  void client() {
    registry = new SimpleMeterRegistry();
    guard = new OutboundGuard(allowOnly(allowed.port(), other.port()), this::resolve, registry);
    client = new GuardedHttpClient(guard, 10, 5);
  }

  @AfterEach
  void close() {
    client.close();
    assertThat(forbidden.connections()).as("connections to the forbidden port").isZero();
  }

  /** Test DNS: fixed names, "localhost" from the system, the rest unknown. */
  private List<InetAddress> resolve(String host) throws UnknownHostException {
    lookups.add(host);
    int count = lookupCounts.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
    return switch (host) {
      case "internal.test" -> List.of(ip("10.0.0.5"));
      case "mixed.test" -> List.of(ip("93.184.216.34"), ip("10.0.0.5"));
      case "svc.test", "a.svc.test", "other.test" -> List.of(ip("127.0.0.1"));
      case "rebinding.test" -> List.of(count == 1 ? ip("127.0.0.1") : ip("10.0.0.5"));
      case "localhost" -> List.of(InetAddress.getAllByName("localhost"));
      default -> throw new UnknownHostException(host);
    };
  }

  private static OutboundPolicy allowOnly(int... ports) {
    OutboundPolicy policy = OutboundPolicy.defaults();
    for (int port : ports) {
      policy = policy.allowingCidrs("127.0.0.1:" + port);
    }
    return policy;
  }

  // ---- allowed requests ----

  @Test
  void getAndPostSucceed() {
    OutboundResponse get = client.send(OutboundRequest.get(allowed.url("/hello")));

    assertThat(get.status()).isEqualTo(200);
    assertThat(get.bodyText()).isEqualTo("hello");
    assertThat(get.header("content-type")).contains("text/plain; charset=utf-8");
    assertThat(get.redirects()).isZero();
    assertThat(get.elapsed()).isPositive().isGreaterThanOrEqualTo(get.timeToHeaders());

    OutboundResponse post =
        client.send(
            OutboundRequest.builder("POST", allowed.url("/echo"))
                .body("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "application/json")
                .build());

    assertThat(post.bodyText()).startsWith("method=POST body={\"a\":1} type=application/json");
    assertThat(post.headers().get("x-multi")).containsExactly("a", "b");
  }

  @Test
  void errorStatusesAreResponses() {
    assertThat(client.send(OutboundRequest.get(allowed.url("/status?code=503"))).status()).isEqualTo(503);
    assertThat(registry.get("nerve.outbound.requests").tag("outcome", "SERVER_ERROR").timer().count())
        .isEqualTo(1);
  }

  @Test
  void redirectsWithinTheAllowlistAreFollowed() {
    OutboundResponse response = client.send(OutboundRequest.get(allowed.url("/redirect?to=/hello")));

    assertThat(response.bodyText()).isEqualTo("hello");
    assertThat(response.redirects()).isEqualTo(1);
    assertThat(response.url()).isEqualTo(allowed.url("/hello"));
  }

  @Test
  void redirectMethodsFollowTheStatus() {
    String echo = "/redirect?to=/echo&status=";
    byte[] body = "data".getBytes(StandardCharsets.UTF_8);

    assertThat(client.send(post(echo + "303", body)).bodyText()).startsWith("method=GET body= ");
    assertThat(client.send(post(echo + "302", body)).bodyText()).startsWith("method=GET body= ");
    assertThat(client.send(post(echo + "307", body)).bodyText()).startsWith("method=POST body=data type=text/plain");
    assertThat(client.send(post(echo + "308", body)).bodyText()).startsWith("method=POST body=data");
  }

  private static OutboundRequest post(String path, byte[] body) {
    return OutboundRequest.builder("POST", allowed.url(path)).body(body, "text/plain").build();
  }

  @Test
  void credentialsAreDroppedWhenARedirectLeavesTheOrigin() {
    String crossOrigin = "http://127.0.0.1:" + other.port() + "/echo";
    OutboundResponse cross =
        client.send(withCredentials(allowed.url("/redirect?to=" + encode(crossOrigin))));
    OutboundResponse same = client.send(withCredentials(allowed.url("/redirect?to=/echo")));

    assertThat(cross.bodyText()).contains("authorization=null key=null plain=kept");
    assertThat(same.bodyText()).contains("authorization=Bearer t0ken key=k3y plain=kept");
  }

  private static OutboundRequest withCredentials(URI url) {
    return OutboundRequest.builder("GET", url)
        .header("Authorization", "Bearer t0ken")
        .secretHeader("X-Api-Key", "k3y")
        .header("X-Plain", "kept")
        .build();
  }

  @Test
  void redirectsAreCapped() {
    assertThat(client.send(OutboundRequest.get(allowed.url("/chain?n=5"))).redirects()).isEqualTo(5);

    assertThatThrownBy(() -> client.send(OutboundRequest.get(allowed.url("/chain?n=6"))))
        .isInstanceOfSatisfying(NerveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
        .hasMessage("url: more than 5 redirects (nerve.outbound.max-redirects)");

    OutboundResponse unfollowed =
        client.send(OutboundRequest.builder("GET", allowed.url("/chain?n=1")).followRedirects(false).build());
    assertThat(unfollowed.status()).isEqualTo(302);
    assertThat(unfollowed.header("Location")).contains("/chain?n=0");
  }

  @Test
  void theResponseCapStopsALargeBodyEarly() throws Exception {
    try (LoopbackHttpServer big = new LoopbackHttpServer()) {
      guard.replace(guard.policy().allowingCidrs("127.0.0.1:" + big.port()));
      long started = System.nanoTime();

      assertThatThrownBy(() -> client.send(OutboundRequest.get(big.url("/big"))))
          .isInstanceOfSatisfying(NerveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
          .hasMessage("url: the response body of 127.0.0.1 is larger than 5242880 bytes "
              + "(nerve.outbound.max-response-bytes); it was not read further");

      assertThat(big.bigDone.await(10, TimeUnit.SECONDS)).as("server saw the connection close").isTrue();
      assertThat(big.bigBytesWritten.get())
          .as("bytes the server managed to write before the client closed")
          .isLessThan(LoopbackHttpServer.BIG_BODY / 2);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
      assertThat(registry.get("nerve.outbound.requests").tag("outcome", "TOO_LARGE").timer().count()).isEqualTo(1);
    }
  }

  @Test
  void aDeclaredLengthOverTheCapFailsBeforeReading() throws Exception {
    try (LoopbackHttpServer big = new LoopbackHttpServer()) {
      guard.replace(guard.policy().allowingCidrs("127.0.0.1:" + big.port()));

      assertThatThrownBy(() -> client.send(OutboundRequest.get(big.url("/big?declared=1"))))
          .hasMessageContaining("is larger than 5242880 bytes");
      assertThat(big.bigDone.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(big.bigBytesWritten.get()).isLessThan(LoopbackHttpServer.BIG_BODY / 2);
    }
  }

  @Test
  void aBodyOfExactlyTheCapIsRead() {
    guard.replace(guard.policy().withLimits(5, 1000, Duration.ofSeconds(5), Duration.ofSeconds(30)));

    assertThat(client.send(OutboundRequest.get(allowed.url("/bytes?n=1000"))).body()).hasSize(1000);
    assertThatThrownBy(() -> client.send(OutboundRequest.get(allowed.url("/bytes?n=1001"))))
        .hasMessageContaining("larger than 1000 bytes");
  }

  // ---- failures ----

  @Test
  void aClosedPortIsUnavailable() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    guard.replace(guard.policy().allowingCidrs("127.0.0.0/8"));

    assertThatThrownBy(() -> client.send(OutboundRequest.get(URI.create("http://127.0.0.1:" + closed + "/"))))
        .isInstanceOfSatisfying(NerveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessage("url: 127.0.0.1:" + closed + " refused the connection; nothing was sent");
  }

  @Test
  void anUnknownHostIsUnavailable() {
    assertThatThrownBy(() -> client.send(OutboundRequest.get(URI.create("https://nowhere.test/x"))))
        .isInstanceOfSatisfying(NerveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessage("url: host nowhere.test is unknown (DNS lookup failed); nothing was sent");
  }

  @Test
  void aSlowServerExceedsTheDeadline() {
    long started = System.nanoTime();
    OutboundRequest slow =
        OutboundRequest.builder("GET", allowed.url("/slow?ms=3000")).timeout(Duration.ofMillis(300)).build();

    assertThatThrownBy(() -> client.send(slow))
        .isInstanceOfSatisfying(NerveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED))
        .hasMessage("url: no complete response from 127.0.0.1:" + allowed.port()
            + " within 300 ms; the request may have been processed");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void theDeadlineCoversTheBody() {
    long started = System.nanoTime();
    OutboundRequest trickle =
        OutboundRequest.builder("GET", allowed.url("/trickle")).timeout(Duration.ofMillis(500)).build();

    assertThatThrownBy(() -> client.send(trickle))
        .isInstanceOfSatisfying(NerveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aGrpcDeadlineShortensTheRequest() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      Context.CancellableContext context =
          Context.current().withDeadlineAfter(300, TimeUnit.MILLISECONDS, scheduler);
      long started = System.nanoTime();
      assertThatThrownBy(() -> context.call(() -> client.send(OutboundRequest.get(allowed.url("/slow?ms=3000")))))
          .isInstanceOfSatisfying(NerveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
      context.cancel(null);
    } finally {
      scheduler.shutdownNow();
    }
  }

  // ---- SSRF corpus ----

  static Stream<Arguments> ssrfCorpus() {
    String p = String.valueOf(forbidden.port());
    return Stream.of(
        Arguments.of("http://127.0.0.1:" + p + "/", RefusalReason.LOOPBACK, "host 127.0.0.1 is a loopback address"),
        Arguments.of("http://localhost:" + p + "/", RefusalReason.LOOPBACK, "host localhost resolves to"),
        Arguments.of("http://10.0.0.1:" + p + "/", RefusalReason.PRIVATE, "host 10.0.0.1 is a private address"),
        Arguments.of("http://172.16.0.1:" + p + "/", RefusalReason.PRIVATE, "private addresses are refused unless allowed by nerve.outbound.allow-cidrs"),
        Arguments.of("http://192.168.1.1:" + p + "/", RefusalReason.PRIVATE, "host 192.168.1.1 is a private address"),
        Arguments.of("http://169.254.169.254/latest/meta-data/", RefusalReason.CLOUD_METADATA, "host 169.254.169.254 is a cloud metadata address"),
        Arguments.of("http://[::1]:" + p + "/", RefusalReason.LOOPBACK, "host ::1 is 0:0:0:0:0:0:0:1, a loopback address"),
        Arguments.of("http://[::ffff:127.0.0.1]:" + p + "/", RefusalReason.LOOPBACK, "is 127.0.0.1, a loopback address"),
        Arguments.of("http://[::ffff:7f00:1]:" + p + "/", RefusalReason.LOOPBACK, "is 127.0.0.1, a loopback address"),
        Arguments.of("http://[fd00:ec2::254]/", RefusalReason.CLOUD_METADATA, "a cloud metadata address"),
        Arguments.of("http://0.0.0.0:" + p + "/", RefusalReason.UNSPECIFIED, "host 0.0.0.0 is an unspecified or broadcast address"),
        Arguments.of("http://[::]:" + p + "/", RefusalReason.UNSPECIFIED, "an unspecified or broadcast address"),
        Arguments.of("http://2130706433:" + p + "/", RefusalReason.NUMERIC_HOST, "non-canonical numeric IPv4 form"),
        Arguments.of("http://0177.0.0.1:" + p + "/", RefusalReason.NUMERIC_HOST, "non-canonical numeric IPv4 form"),
        Arguments.of("http://0x7f000001:" + p + "/", RefusalReason.NUMERIC_HOST, "non-canonical numeric IPv4 form"),
        Arguments.of("http://127.1:" + p + "/", RefusalReason.NUMERIC_HOST, "host '127.1' is a non-canonical numeric IPv4 form"),
        Arguments.of("http://internal.test:" + p + "/", RefusalReason.PRIVATE,
            "host internal.test resolves to 10.0.0.5, a private address; outbound requests to private addresses are "
                + "refused unless allowed by nerve.outbound.allow-cidrs or nerve.outbound.allow-hosts"),
        Arguments.of("http://mixed.test:" + p + "/", RefusalReason.PRIVATE, "host mixed.test resolves to 10.0.0.5, a private address"),
        Arguments.of("http://metadata.google.internal/computeMetadata/v1/", RefusalReason.CLOUD_METADATA, "cloud metadata service"),
        Arguments.of("file:///etc/passwd", RefusalReason.SCHEME, "scheme 'file' is refused"),
        Arguments.of("gopher://127.0.0.1:" + p + "/_SET%20x", RefusalReason.SCHEME, "scheme 'gopher' is refused"),
        Arguments.of("http://user:secret@127.0.0.1:" + p + "/", RefusalReason.USER_INFO, "user info"),
        Arguments.of("https://127.0.0.1:" + p + "/", RefusalReason.LOOPBACK, "loopback"));
  }

  @ParameterizedTest
  @MethodSource("ssrfCorpus")
  void ssrfAttemptsAreRefusedWithoutConnecting(String url, RefusalReason reason, String message) {
    assertThatThrownBy(() -> client.send(OutboundRequest.get(URI.create(url))))
        .isInstanceOfSatisfying(
            OutboundRefusedException.class,
            ex -> {
              assertThat(ex.reason()).isEqualTo(reason);
              assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            })
        .hasMessageStartingWith("url: ")
        .hasMessageContaining(message)
        .hasMessageNotContaining("secret");
    assertThat(forbidden.connections()).isZero();
    assertThat(registry.get("nerve.outbound.refused").tag("reason", reason.tag()).counter().count()).isEqualTo(1);
    assertThat(registry.get("nerve.outbound.requests").tag("outcome", "REFUSED").timer().count()).isEqualTo(1);
  }

  static Stream<Arguments> redirectCorpus() {
    String p = String.valueOf(forbidden.port());
    return Stream.of(
        Arguments.of("http://169.254.169.254/latest/meta-data/iam/", RefusalReason.CLOUD_METADATA),
        Arguments.of("http://[::1]:" + p + "/", RefusalReason.LOOPBACK),
        Arguments.of("http://127.0.0.1:" + p + "/", RefusalReason.LOOPBACK),
        Arguments.of("http://[::ffff:127.0.0.1]:" + p + "/", RefusalReason.LOOPBACK),
        Arguments.of("http://0x7f000001:" + p + "/", RefusalReason.NUMERIC_HOST),
        Arguments.of("http://internal.test:" + p + "/", RefusalReason.PRIVATE),
        Arguments.of("file:///etc/passwd", RefusalReason.SCHEME),
        Arguments.of("http://user:pw@127.0.0.1:" + p + "/", RefusalReason.USER_INFO));
  }

  @ParameterizedTest
  @MethodSource("redirectCorpus")
  void redirectsToRefusedDestinationsAreRefusedWithoutConnecting(String target, RefusalReason reason) {
    int before = allowed.requests.get();

    assertThatThrownBy(() -> client.send(OutboundRequest.get(allowed.url("/redirect?to=" + encode(target)))))
        .isInstanceOfSatisfying(
            OutboundRefusedException.class,
            ex -> {
              assertThat(ex.reason()).isEqualTo(reason);
              assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
            })
        .hasMessageStartingWith("url: the server redirected to ")
        .hasMessageContaining(", which is refused: ")
        .hasMessageNotContaining("pw@");
    assertThat(allowed.requests.get() - before).isEqualTo(1);
    assertThat(forbidden.connections()).isZero();
  }

  // ---- allowlist and run-time replacement ----

  @Test
  void cidrEntriesAllowExactlyWhatTheySay() {
    URI hello = allowed.url("/hello");
    guard.replace(OutboundPolicy.defaults().allowingCidrs("127.0.0.2/32"));
    assertThatThrownBy(() -> client.send(OutboundRequest.get(hello))).isInstanceOf(OutboundRefusedException.class);

    guard.replace(OutboundPolicy.defaults().allowingCidrs("127.0.0.1:" + (allowed.port() == 65535 ? 1 : allowed.port() + 1)));
    assertThatThrownBy(() -> client.send(OutboundRequest.get(hello))).isInstanceOf(OutboundRefusedException.class);

    guard.replace(OutboundPolicy.defaults().allowingCidrs("127.0.0.0/8"));
    assertThat(client.send(OutboundRequest.get(hello)).status()).isEqualTo(200);
  }

  @Test
  void hostEntriesAllowExactlyWhatTheySay() {
    guard.replace(OutboundPolicy.defaults().allowingHosts("svc.test"));
    assertThat(client.send(OutboundRequest.get(named("svc.test"))).bodyText()).isEqualTo("hello");
    assertThatThrownBy(() -> client.send(OutboundRequest.get(named("other.test"))))
        .hasMessageContaining("host other.test resolves to 127.0.0.1, a loopback address");
    assertThatThrownBy(() -> client.send(OutboundRequest.get(named("a.svc.test"))))
        .isInstanceOf(OutboundRefusedException.class);

    guard.replace(OutboundPolicy.defaults().allowingHosts("*.svc.test"));
    assertThat(client.send(OutboundRequest.get(named("a.svc.test"))).status()).isEqualTo(200);
    assertThatThrownBy(() -> client.send(OutboundRequest.get(named("svc.test"))))
        .isInstanceOf(OutboundRefusedException.class);
  }

  @Test
  void aReplacedPolicyAppliesToTheNextRequestEvenOnAPooledConnection() {
    guard.replace(OutboundPolicy.defaults().allowingHosts("svc.test"));
    assertThat(client.send(OutboundRequest.get(named("svc.test"))).status()).isEqualTo(200);
    int served = allowed.requests.get();

    guard.replace(OutboundPolicy.defaults());
    assertThatThrownBy(() -> client.send(OutboundRequest.get(named("svc.test"))))
        .isInstanceOfSatisfying(OutboundRefusedException.class, ex -> assertThat(ex.reason()).isEqualTo(RefusalReason.LOOPBACK));
    assertThat(allowed.requests.get()).as("requests written after the policy changed").isEqualTo(served);
    assertThat(lookupCounts.get("svc.test").get()).as("the pooled connection was checked, not a new lookup").isEqualTo(1);

    guard.replace(OutboundPolicy.defaults().allowingHosts("svc.test"));
    assertThat(client.send(OutboundRequest.get(named("svc.test"))).status()).isEqualTo(200);
  }

  @Test
  void theConnectionGoesToTheAddressThatWasChecked() {
    // a rebinding name: allowed loopback on the first lookup, a private address afterwards
    guard.replace(allowOnly(allowed.port()));

    OutboundResponse response = client.send(OutboundRequest.get(named("rebinding.test")));

    assertThat(response.bodyText()).isEqualTo("hello");
    assertThat(lookupCounts.get("rebinding.test").get()).isEqualTo(1);
  }

  @Test
  void anAllowedIpv6LiteralIsReached() throws IOException {
    InetAddress ipv6Loopback = ip("::1");
    LoopbackHttpServer server;
    try {
      server = new LoopbackHttpServer(ipv6Loopback);
    } catch (IOException ex) {
      Assumptions.abort("no IPv6 loopback on this machine");
      return;
    }
    try (server) {
      URI url = server.url("/hello");
      assertThatThrownBy(() -> client.send(OutboundRequest.get(url))).isInstanceOf(OutboundRefusedException.class);

      guard.replace(guard.policy().allowingCidrs("[::1]:" + server.port()));
      assertThat(client.send(OutboundRequest.get(url)).bodyText()).isEqualTo("hello");
    }
  }

  private static URI named(String host) {
    return URI.create("http://" + host + ":" + allowed.port() + "/hello");
  }

  // ---- requests and metrics ----

  @Test
  void badRequestsAreInvalidArguments() {
    URI url = allowed.url("/hello");
    assertThatThrownBy(() -> OutboundRequest.builder("TRACE", url).build()).hasMessageStartingWith("method: ");
    assertThatThrownBy(() -> OutboundRequest.builder("GET", url).header("Host", "evil").build())
        .hasMessageContaining("header Host is set by the client");
    assertThatThrownBy(() -> OutboundRequest.builder("GET", url).header("X-A", "a\r\nInjected: 1").build())
        .hasMessageContaining("line break");
    assertThatThrownBy(() -> OutboundRequest.builder("GET", "http://exa mple.com/"))
        .isInstanceOfSatisfying(NerveException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessage("url: is not a valid URL");
    assertThat(withCredentials(url).toString()).doesNotContain("k3y").contains("X-Api-Key: <hidden>");
  }

  @Test
  void metersHaveDescriptions() {
    client.send(OutboundRequest.get(allowed.url("/hello")));

    assertThat(registry.get("nerve.outbound.requests").tag("outcome", "SUCCESS").timer().count()).isEqualTo(1);
    assertThat(registry.get("nerve.outbound.requests").timer().getId().getDescription()).isNotBlank();
    assertThat(registry.get("nerve.outbound.refused").tag("reason", "private").counter().getId().getDescription())
        .isNotBlank();
    assertThat(registry.get("nerve.outbound.refused").tag("reason", "private").counter().getId().getBaseUnit())
        .isEqualTo("requests");
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static InetAddress ip(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException ex) {
      throw new IllegalArgumentException(ex);
    }
  }
}
