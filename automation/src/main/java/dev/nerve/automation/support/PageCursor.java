package dev.nerve.automation.support;

import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.platform.error.NerveException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Opaque cursor holding the sort key of the last item a page returned; clients pass it back
 * unchanged, so pages stay stable under concurrent inserts.
 *
 * @param parts sort key components, in order
 */
public record PageCursor(List<String> parts) {

  private static final String SEPARATOR = "\u001f";

  public PageCursor {
    parts = List.copyOf(parts);
  }

  public static PageCursor of(String... parts) {
    return new PageCursor(Arrays.asList(parts));
  }

  /**
   * The PageInfo of a page: every item's cursor (what GraphQL's Relay edges show) and, when more
   * items follow, the last one as next_cursor.
   */
  public static <T> PageInfo info(List<T> shown, boolean more, Function<T, PageCursor> cursorOf) {
    PageInfo.Builder info = PageInfo.newBuilder().setHasNextPage(more && !shown.isEmpty());
    for (T item : shown) {
      info.addItemCursors(cursorOf.apply(item).encode());
    }
    if (info.getHasNextPage()) {
      info.setNextCursor(info.getItemCursors(info.getItemCursorsCount() - 1));
    }
    return info.build();
  }

  /** Cursor text for PageInfo.next_cursor. */
  public String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(String.join(SEPARATOR, parts).getBytes(StandardCharsets.UTF_8));
  }

  /** Parses a cursor with exactly {@code size} parts; empty text gives null. */
  public static PageCursor decode(String cursor, int size) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      List<String> parts = Arrays.asList(text.split(SEPARATOR, -1));
      if (parts.size() != size) {
        throw new IllegalArgumentException("wrong size");
      }
      return new PageCursor(parts);
    } catch (IllegalArgumentException e) {
      throw NerveException.invalid("page.cursor", "format", "is not a cursor returned by this service");
    }
  }

  /** Component {@code i} as a number. */
  public long number(int i) {
    try {
      return Long.parseLong(parts.get(i));
    } catch (NumberFormatException e) {
      throw NerveException.invalid("page.cursor", "format", "is not a cursor returned by this service");
    }
  }

  public String part(int i) {
    return parts.get(i);
  }
}
