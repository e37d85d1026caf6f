package dev.nerve.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.platform.error.ErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutboundPolicyTest {

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, LOOPBACK",
    "127.255.0.9, LOOPBACK",
    "::1, LOOPBACK",
    "10.0.0.5, PRIVATE",
    "172.16.0.1, PRIVATE",
    "172.31.255.255, PRIVATE",
    "192.168.1.1, PRIVATE",
    "100.64.0.1, PRIVATE",
    "fc00::1, PRIVATE",
    "fd12:3456::1, PRIVATE",
    "fec0::1, PRIVATE",
    "169.254.1.1, LINK_LOCAL",
    "fe80::1, LINK_LOCAL",
    "224.0.0.1, MULTICAST",
    "239.255.255.250, MULTICAST",
    "ff02::1, MULTICAST",
    "0.0.0.0, UNSPECIFIED",
    "0.1.2.3, UNSPECIFIED",
    "255.255.255.255, UNSPECIFIED",
    "::, UNSPECIFIED",
    "169.254.169.254, CLOUD_METADATA",
    "100.100.100.200, CLOUD_METADATA",
    "fd00:ec2::254, CLOUD_METADATA",
    "::ffff:127.0.0.1, LOOPBACK",
    "::ffff:7f00:1, LOOPBACK",
    "::ffff:a00:5, PRIVATE",
    "::ffff:169.254.169.254, CLOUD_METADATA",
    "::127.0.0.1, LOOPBACK",
    "::10.0.0.5, PRIVATE",
    "::8.8.8.8, RESERVED",
    "64:ff9b::7f00:1, LOOPBACK",
    "64:ff9b::a9fe:a9fe, CLOUD_METADATA",
    "64:ff9b:1::1, PRIVATE",
    "2002:7f00:1::1, LOOPBACK",
    "2002:a00:5::1, PRIVATE",
    "2001:0:4136:e378:8000:63bf:80ff:fffe, LOOPBACK",
    "2001:0:a00:5::1, PRIVATE",
    "2001:db8::1, RESERVED",
    "100::1, RESERVED",
    "3fff::1, RESERVED",
    "192.0.2.1, RESERVED",
    "198.18.0.1, RESERVED",
    "198.51.100.7, RESERVED",
    "203.0.113.7, RESERVED",
    "240.0.0.1, RESERVED",
  })
  void refusedClasses(String address, RefusalReason reason) throws UnknownHostException {
    assertThat(AddressClassifier.classify(parse(address))).contains(reason);
  }

  @ParameterizedTest
  @CsvSource({"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
      "64:ff9b::808:808", "2002:808:808::1", "2a00:1450:4001::1"})
  void publicAddressesAreAllowed(String address) throws UnknownHostException {
    assertThat(AddressClassifier.classify(parse(address))).isEmpty();
  }

  @Test
  void cidrEntriesAllowExactlyTheirNetworkAndPort() throws UnknownHostException {
    OutboundPolicy policy = OutboundPolicy.defaults().allowingCidrs("10.0.0.0/8", "127.0.0.1:8080", "[fd00::]/8:443");

    assertThat(policy.refusesAddress("x", parse("10.200.0.1"), 443)).isEmpty();
    assertThat(policy.refusesAddress("x", parse("11.0.0.1"), 443)).isEmpty(); // public anyway
    assertThat(policy.refusesAddress("x", parse("192.168.0.1"), 443)).contains(RefusalReason.PRIVATE);
    assertThat(policy.refusesAddress("x", parse("127.0.0.1"), 8080)).isEmpty();
    assertThat(policy.refusesAddress("x", parse("127.0.0.1"), 8081)).contains(RefusalReason.LOOPBACK);
    assertThat(policy.refusesAddress("x", parse("127.0.0.2"), 8080)).contains(RefusalReason.LOOPBACK);
    assertThat(policy.refusesAddress("x", parse("fd00::5"), 443)).isEmpty();
    assertThat(policy.refusesAddress("x", parse("fd00::5"), 80)).contains(RefusalReason.PRIVATE);
  }

  @Test
  void hostEntriesAllowExactlyTheirNames() throws UnknownHostException {
    OutboundPolicy policy =
        OutboundPolicy.defaults().allowingHosts("api.internal.test", "*.corp.test", "ollama.test:11434");
    InetAddress privateAddress = parse("10.0.0.5");

    assertThat(policy.refusesAddress("api.internal.test", privateAddress, 443)).isEmpty();
    assertThat(policy.refusesAddress("x.api.internal.test", privateAddress, 443)).isPresent();
    assertThat(policy.refusesAddress("a.corp.test", privateAddress, 443)).isEmpty();
    assertThat(policy.refusesAddress("a.b.corp.test", privateAddress, 443)).isEmpty();
    assertThat(policy.refusesAddress("corp.test", privateAddress, 443)).isPresent();
    assertThat(policy.refusesAddress("evilcorp.test", privateAddress, 443)).isPresent();
    assertThat(policy.refusesAddress("ollama.test", privateAddress, 11434)).isEmpty();
    assertThat(policy.refusesAddress("ollama.test", privateAddress, 80)).isPresent();
  }

  @Test
  void metadataNeedsAnExactEntry() throws UnknownHostException {
    InetAddress metadata = parse("169.254.169.254");
    assertThat(OutboundPolicy.defaults().allowingCidrs("169.254.0.0/16").refusesAddress("x", metadata, 80))
        .contains(RefusalReason.CLOUD_METADATA);
    assertThat(OutboundPolicy.defaults().allowingCidrs("0.0.0.0/0").refusesAddress("x", metadata, 80))
        .contains(RefusalReason.CLOUD_METADATA);
    assertThat(OutboundPolicy.defaults().allowingHosts("*.internal").refusesName("metadata.google.internal", 80))
        .contains(RefusalReason.CLOUD_METADATA);
    assertThat(OutboundPolicy.defaults().allowingCidrs("169.254.169.254/32").refusesAddress("x", metadata, 80))
        .isEmpty();
    assertThat(OutboundPolicy.defaults().allowingHosts("metadata.google.internal")
            .refusesName("metadata.google.internal", 80))
        .isEmpty();
  }

  @Test
  void malformedEntriesFailNamingTheEntry() {
    assertThatThrownBy(() -> AllowedNetwork.parse("10.0.0.0/33")).hasMessageContaining("'10.0.0.0/33'");
    assertThatThrownBy(() -> AllowedNetwork.parse("example.com")).hasMessageContaining("'example.com'");
    assertThatThrownBy(() -> AllowedNetwork.parse("10.0.0.1:0")).hasMessageContaining("'10.0.0.1:0'");
    assertThatThrownBy(() -> AllowedHost.parse("10.0.0.1")).hasMessageContaining("allow-cidrs");
    assertThatThrownBy(() -> AllowedHost.parse("a..b")).hasMessageContaining("'a..b'");
    assertThatThrownBy(() -> AllowedHost.parse("*")).hasMessageContaining("'*'");
    assertThat(AllowedNetwork.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
    assertThat(AllowedNetwork.parse("[::1]:8080")).hasToString("0:0:0:0:0:0:0:1/128:8080");
    assertThat(AllowedHost.parse("*.Example.COM:8443")).hasToString("*.example.com:8443");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "file:///etc/passwd | SCHEME | scheme 'file' is refused",
        "gopher://example.com:70/_x | SCHEME | scheme 'gopher' is refused",
        "ftp://example.com/ | SCHEME | http or https only",
        "http://user:pw@example.com/ | USER_INFO | user info",
        "http://@example.com/ | USER_INFO | user info",
        "http://2130706433/ | NUMERIC_HOST | '2130706433' is a non-canonical numeric IPv4 form",
        "http://0177.0.0.1/ | NUMERIC_HOST | '0177.0.0.1' is a non-canonical",
        "http://0x7f000001/ | NUMERIC_HOST | '0x7f000001' is a non-canonical",
        "http://127.1/ | NUMERIC_HOST | '127.1' is a non-canonical",
        "http://127.000.0.1/ | NUMERIC_HOST | non-canonical",
        "http://1.2.3.4.5/ | NUMERIC_HOST | non-canonical",
        "http://a_b.example.com/ | INVALID_URL | not a valid host name",
        "http:opaque | INVALID_URL | absolute http or https URL",
        "/relative | INVALID_URL | absolute http or https URL",
        "http://[fe80::1%25eth0]/ | INVALID_URL | zone",
        "http://example.com:0/ | INVALID_URL | port 0",
        "http://127.0.0.1/ | LOOPBACK | host 127.0.0.1 is a loopback address",
        "http://[::ffff:7f00:1]/ | LOOPBACK | host ::ffff:7f00:1 is 127.0.0.1, a loopback address",
        "http://169.254.169.254/latest/meta-data/ | CLOUD_METADATA | names the exact address",
        "http://metadata.google.internal/ | CLOUD_METADATA | cloud metadata service",
        "http://METADATA./ | CLOUD_METADATA | host metadata is a cloud metadata service",
      })
  void urlChecks(String url, RefusalReason reason, String message) {
    OutboundGuard guard = new OutboundGuard(OutboundPolicy.defaults(), host -> List.of(), new SimpleMeterRegistry());

    assertThatThrownBy(() -> guard.check(URI.create(url)))
        .isInstanceOfSatisfying(
            OutboundRefusedException.class,
            ex -> {
              assertThat(ex.reason()).isEqualTo(reason);
              assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(ex.violations()).singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("url"));
            })
        .hasMessageStartingWith("url: ")
        .hasMessageContaining(message);
  }

  @Test
  void publicUrlsPassTheCheck() {
    OutboundGuard guard = new OutboundGuard(OutboundPolicy.defaults(), host -> List.of(), new SimpleMeterRegistry());
    guard.check(URI.create("https://api.example.com/v1?q=1"));
    guard.check(URI.create("http://93.184.216.34:8080/"));
    guard.check(URI.create("https://[2606:4700::1111]/"));
  }

  private static InetAddress parse(String address) throws UnknownHostException {
    return InetAddress.getByName(address.contains(":") ? "[" + address + "]" : address);
  }
}
