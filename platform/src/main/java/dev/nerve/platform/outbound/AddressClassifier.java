package dev.nerve.platform.outbound;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Sorts an address into the classes the guard refuses by default, or none for a public address.
 * IPv6 forms that embed an IPv4 address (IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible
 * {@code ::/96}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}, Teredo {@code 2001::/32}) are
 * judged by the embedded address, so {@code [::ffff:7f00:1]} is loopback like 127.0.0.1. IPv6
 * outside global unicast ({@code 2000::/3}) is reserved.
 */
final class AddressClassifier {

  private AddressClassifier() {}

  /** The class that makes the address refused by default, or empty when it is public. */
  static Optional<RefusalReason> classify(InetAddress address) {
    byte[] b = address.getAddress();
    return Optional.ofNullable(
        address instanceof Inet4Address || b.length == 4 ? ipv4(toInt(b, 0)) : ipv6(b));
  }

  private static RefusalReason ipv4(int a) {
    if (a == ip(169, 254, 169, 254) || a == ip(100, 100, 100, 200)) {
      return RefusalReason.CLOUD_METADATA;
    }
    if (in(a, ip(0, 0, 0, 0), 8) || a == ip(255, 255, 255, 255)) {
      return RefusalReason.UNSPECIFIED;
    }
    if (in(a, ip(127, 0, 0, 0), 8)) {
      return RefusalReason.LOOPBACK;
    }
    if (in(a, ip(10, 0, 0, 0), 8)
        || in(a, ip(172, 16, 0, 0), 12)
        || in(a, ip(192, 168, 0, 0), 16)
        || in(a, ip(100, 64, 0, 0), 10)) {
      return RefusalReason.PRIVATE;
    }
    if (in(a, ip(169, 254, 0, 0), 16)) {
      return RefusalReason.LINK_LOCAL;
    }
    if (in(a, ip(224, 0, 0, 0), 4)) {
      return RefusalReason.MULTICAST;
    }
    if (in(a, ip(240, 0, 0, 0), 4)
        || in(a, ip(192, 0, 0, 0), 24)
        || in(a, ip(192, 0, 2, 0), 24)
        || in(a, ip(192, 88, 99, 0), 24)
        || in(a, ip(198, 18, 0, 0), 15)
        || in(a, ip(198, 51, 100, 0), 24)
        || in(a, ip(203, 0, 113, 0), 24)) {
      return RefusalReason.RESERVED;
    }
    return null;
  }

  private static RefusalReason ipv6(byte[] b) {
    int w0 = word(b, 0);
    int w1 = word(b, 1);
    if (w0 == 0xfd00 && w1 == 0x0ec2 && zero(b, 4, 14) && word(b, 7) == 0x0254) {
      return RefusalReason.CLOUD_METADATA;
    }
    if (zero(b, 0, 10)) {
      boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      if (mapped) {
        return ipv4(toInt(b, 12));
      }
      if (zero(b, 10, 12)) {
        if (zero(b, 12, 15) && (b[15] == 0 || b[15] == 1)) {
          return b[15] == 0 ? RefusalReason.UNSPECIFIED : RefusalReason.LOOPBACK;
        }
        RefusalReason embedded = ipv4(toInt(b, 12)); // IPv4-compatible, deprecated
        return embedded != null ? embedded : RefusalReason.RESERVED;
      }
    }
    if (w0 == 0x0064 && w1 == 0xff9b) {
      if (zero(b, 4, 12)) { // NAT64 well-known prefix: reachable when the embedded address is
        return ipv4(toInt(b, 12));
      }
      return RefusalReason.PRIVATE; // 64:ff9b:1::/48, local-use NAT64
    }
    if (w0 == 0x2002) { // 6to4: reachable when the embedded address is
      return ipv4(toInt(b, 2));
    }
    if (w0 == 0x2001 && w1 == 0) { // Teredo: server, and client XOR 0xffffffff
      RefusalReason server = ipv4(toInt(b, 4));
      RefusalReason client = ipv4(~toInt(b, 12));
      return server != null ? server : client != null ? client : RefusalReason.RESERVED;
    }
    if ((w0 & 0xfe00) == 0xfc00 || (w0 & 0xffc0) == 0xfec0) {
      return RefusalReason.PRIVATE;
    }
    if ((w0 & 0xffc0) == 0xfe80) {
      return RefusalReason.LINK_LOCAL;
    }
    if ((w0 & 0xff00) == 0xff00) {
      return RefusalReason.MULTICAST;
    }
    if ((w0 & 0xe000) != 0x2000 // outside global unicast 2000::/3
        || (w0 == 0x2001 && w1 < 0x0200) // 2001::/23 IETF protocol assignments
        || (w0 == 0x2001 && w1 == 0x0db8) // documentation
        || (w0 == 0x3fff && w1 < 0x1000)) { // documentation 3fff::/20
      return RefusalReason.RESERVED;
    }
    return null;
  }

  private static int ip(int a, int b, int c, int d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
  }

  private static boolean in(int address, int network, int prefix) {
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    return (address & mask) == (network & mask);
  }

  private static int toInt(byte[] b, int offset) {
    return ((b[offset] & 0xff) << 24)
        | ((b[offset + 1] & 0xff) << 16)
        | ((b[offset + 2] & 0xff) << 8)
        | (b[offset + 3] & 0xff);
  }

  private static int word(byte[] b, int index) {
    return ((b[2 * index] & 0xff) << 8) | (b[2 * index + 1] & 0xff);
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
