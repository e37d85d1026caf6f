package dev.nerve.platform.outbound;

import java.util.Locale;

/** Why the outbound guard refused a request; the {@code reason} tag of the refusal counter. */
public enum RefusalReason {
  /** A scheme other than http and https. */
  SCHEME("a refused scheme"),
  /** A URL with user info ({@code user:password@host}). */
  USER_INFO("a URL with user info"),
  /** A URL that is not absolute or has no valid host. */
  INVALID_URL("an invalid URL"),
  /** A decimal, octal, hex or shortened IPv4 form such as {@code 2130706433} or {@code 127.1}. */
  NUMERIC_HOST("a non-canonical numeric IPv4 host"),
  /** 127.0.0.0/8, ::1. */
  LOOPBACK("a loopback address"),
  /** 10/8, 172.16/12, 192.168/16, 100.64/10 (shared address space), fc00::/7, fec0::/10. */
  PRIVATE("a private address"),
  /** 169.254/16, fe80::/10. */
  LINK_LOCAL("a link-local address"),
  /** 224/4, ff00::/8. */
  MULTICAST("a multicast address"),
  /** 0.0.0.0/8, ::, 255.255.255.255. */
  UNSPECIFIED("an unspecified or broadcast address"),
  /** 169.254.169.254, fd00:ec2::254, 100.100.100.200 and the metadata host names. */
  CLOUD_METADATA("a cloud metadata address"),
  /** Documentation, benchmarking, reserved and other special-purpose ranges. */
  RESERVED("a reserved address");

  private final String description;

  RefusalReason(String description) {
    this.description = description;
  }

  /** Noun phrase for messages, e.g. "a private address". */
  public String description() {
    return description;
  }

  /** Plural phrase for messages, e.g. "private addresses". */
  String plural() {
    String noun = description.substring(description.indexOf(' ') + 1);
    return noun.endsWith("address") ? noun + "es" : noun + "s";
  }

  /** Metric tag value, e.g. {@code private}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
