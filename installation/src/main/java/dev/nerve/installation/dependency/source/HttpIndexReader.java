package dev.nerve.installation.dependency.source;

import dev.nerve.installation.dependency.resolve.Candidate;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.outbound.GuardedHttpClient;
import dev.nerve.platform.outbound.OutboundRefusedException;
import dev.nerve.platform.outbound.OutboundRequest;
import dev.nerve.platform.outbound.OutboundResponse;
import java.net.URI;
import java.util.List;

/**
 * An HTTP(S) source: an index.json URL, archive URLs resolved against it. Every request goes
 * through the guarded client, so the outbound allowlist, redirect checks, deadline and body cap
 * apply to the index and to each archive.
 */
public final class HttpIndexReader implements SourceReader {

  private final String name;
  private final URI index;
  private final GuardedHttpClient http;

  public HttpIndexReader(String name, String location, GuardedHttpClient http) {
    this.name = name;
    this.index = url(location);
    this.http = http;
  }

  /** The index URL of a location; INVALID_ARGUMENT unless it is an absolute http(s) URL. */
  public static URI url(String location) {
    try {
      URI uri = new URI(location);
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null || uri.getUserInfo() != null) {
        throw NerveException.invalid("location", "url", "must be an absolute http or https URL without credentials");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw NerveException.invalid("location", "url", "is not a URL");
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Candidate> index() {
    return IndexDocument.parse(name, get(index, Long.MAX_VALUE));
  }

  @Override
  public byte[] fetch(Candidate candidate, long maxBytes) {
    URI archive;
    try {
      archive = url(index.resolve(candidate.archive()).toString());
    } catch (IllegalArgumentException | NerveException e) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "package source '" + name + "': archive of " + candidate.label() + " is not an http(s) URL");
    }
    return get(archive, maxBytes);
  }

  private byte[] get(URI url, long maxBytes) {
    OutboundResponse response;
    try {
      response = http.send(OutboundRequest.get(url));
    } catch (OutboundRefusedException e) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "package source '" + name + "': the outbound guard refuses " + url + " (" + e.getMessage() + ")");
    }
    if (!response.successful()) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "package source '" + name + "': " + url + " answered HTTP " + response.status());
    }
    if (response.body().length > maxBytes) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "package source '" + name + "': " + url + " is larger than " + maxBytes + " bytes");
    }
    return response.body();
  }
}
