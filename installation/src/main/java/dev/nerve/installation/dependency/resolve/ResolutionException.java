package dev.nerve.installation.dependency.resolve;

/** No set of versions satisfies every requirement; the message says which requirements clash. */
public final class ResolutionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ResolutionException(String message) {
    super(message);
  }
}
