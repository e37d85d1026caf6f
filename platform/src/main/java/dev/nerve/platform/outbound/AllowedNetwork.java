package dev.nerve.platform.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One {@code nerve.outbound.allow-cidrs} entry: a network that outbound requests may reach although
 * its addresses are refused by default, optionally on one port only. Written {@code 10.0.0.0/8},
 * {@code 10.1.2.3} (one address), {@code 127.0.0.1/32:8080} or {@code 127.0.0.1:8080} (one port),
 * {@code fd00::/8}, {@code [::1]:8080}, {@code [fd00::]/8:443}.
 *
 * @param network the network address (host bits cleared)
 * @param prefixLength bits of the network part
 * @param port the only port allowed, or {@code -1} for any
 */
public record AllowedNetwork(InetAddress network, int prefixLength, int port) {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  public AllowedNetwork {
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException("prefix length must be 0 to " + bits);
    }
    if (port < -1 || port == 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 1 to 65535");
    }
    network = masked(network, prefixLength);
  }

  /** Parses one entry; throws {@link IllegalArgumentException} naming the entry when malformed. */
  public static AllowedNetwork parse(String entry) {
    String text = entry.strip();
    try {
      String address;
      String rest;
      if (text.startsWith("[")) {
        int close = text.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("missing ]");
        }
        address = text.substring(1, close);
        rest = text.substring(close + 1);
      } else {
        int slash = text.indexOf('/');
        int colon = text.indexOf(':');
        boolean ipv4WithPort = slash < 0 && colon > 0 && colon == text.lastIndexOf(':');
        int end = slash >= 0 ? slash : ipv4WithPort ? colon : text.length();
        address = text.substring(0, end);
        rest = text.substring(end);
      }
      int prefix = -1;
      int port = -1;
      if (rest.startsWith("/")) {
        int colon = rest.indexOf(':');
        prefix = Integer.parseInt(colon < 0 ? rest.substring(1) : rest.substring(1, colon));
        rest = colon < 0 ? "" : rest.substring(colon);
      }
      if (rest.startsWith(":")) {
        port = Integer.parseInt(rest.substring(1));
      } else if (!rest.isEmpty()) {
        throw new IllegalArgumentException("unexpected '" + rest + "'");
      }
      if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
        throw new IllegalArgumentException("not an IP address");
      }
      InetAddress parsed = InetAddress.getByName(address.contains(":") ? "[" + address + "]" : address);
      int bits = parsed.getAddress().length * 8;
      return new AllowedNetwork(parsed, prefix < 0 ? bits : prefix, port);
    } catch (UnknownHostException | RuntimeException ex) {
      throw new IllegalArgumentException(
          "allow-cidrs entry '" + entry + "' is not a CIDR such as 10.0.0.0/8, 10.1.2.3, "
              + "127.0.0.1:8080 or [fd00::]/8:443 (" + ex.getMessage() + ")");
    }
  }

  /** Whether the entry covers this address on this port ({@code -1}: a check for any port). */
  public boolean contains(InetAddress address, int port) {
    if (this.port != -1 && this.port != port) {
      return false;
    }
    byte[] candidate = address.getAddress();
    return candidate.length == network.getAddress().length
        && masked(address, prefixLength).equals(network);
  }

  /** Whether the entry names exactly one address (a /32 or /128). */
  public boolean singleAddress() {
    return prefixLength == network.getAddress().length * 8;
  }

  private static InetAddress masked(InetAddress address, int prefixLength) {
    byte[] bytes = address.getAddress();
    for (int i = 0; i < bytes.length; i++) {
      int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
      bytes[i] &= (byte) (0xff << (8 - keep));
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException ex) {
      throw new IllegalStateException(ex);
    }
  }

  @Override
  public String toString() {
    String text = network.getHostAddress() + "/" + prefixLength;
    return port == -1 ? text : text + ":" + port;
  }
}
