package dev.nerve.installation.dependency.source;

import dev.nerve.installation.dependency.resolve.Candidate;
import java.util.List;

/** Reads one package source: its index and the archives it names. */
public interface SourceReader {

  /** Name of the source, as the tenant configured it. */
  String name();

  /** Every version the source offers. */
  List<Candidate> index();

  /** The archive of a candidate this source offered, at most {@code maxBytes} long. */
  byte[] fetch(Candidate candidate, long maxBytes);
}
