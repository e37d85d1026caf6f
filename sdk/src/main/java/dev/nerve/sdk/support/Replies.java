package dev.nerve.sdk.support;

import io.grpc.stub.StreamObserver;

/** Completes a unary call with one value. */
public final class Replies {

  private Replies() {}

  public static <T> void reply(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
