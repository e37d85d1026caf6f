package dev.nerve.platform.grpc;

import java.util.UUID;

/**
 * Name of this application context's in-process gRPC server. A bean of its own so servers and
 * channels can share it without depending on each other; unique so several contexts can share a
 * JVM (as tests do).
 *
 * @param name in-process server name
 */
public record InProcessAddress(String name) {

  /** A fresh unique address. */
  public static InProcessAddress random() {
    return new InProcessAddress("nerve-" + UUID.randomUUID());
  }
}
