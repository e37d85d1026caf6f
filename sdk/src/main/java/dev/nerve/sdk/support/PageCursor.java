package dev.nerve.sdk.support;

import dev.nerve.platform.error.NerveException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque list cursor: the name or id of the last item a page returned (lists are in key order). */
public final class PageCursor {

  /** Default and largest page sizes of every SDK list. */
  public static final int DEFAULT_PAGE = 50;

  public static final int MAX_PAGE = 500;

  private PageCursor() {}

  public static String encode(String lastKey) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
  }

  /** The key after which the page starts; empty for the first page. */
  public static String decode(String cursor) {
    if (cursor.isEmpty()) {
      return "";
    }
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw NerveException.invalid("page.cursor", "format", "is not a cursor returned by this service");
    }
  }

  /** The page size asked for, checked. */
  public static int size(int requested) {
    if (requested < 0 || requested > MAX_PAGE) {
      throw NerveException.invalid("page.pageSize", "range", "must be between 0 and " + MAX_PAGE);
    }
    return requested == 0 ? DEFAULT_PAGE : requested;
  }
}
