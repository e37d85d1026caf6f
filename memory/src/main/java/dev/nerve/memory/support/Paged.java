package dev.nerve.memory.support;

import dev.nerve.api.common.v1.PageInfo;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list read: the items shown and their {@link PageInfo}, with the cursor of every
 * item and the next cursor, made once for every memory list.
 *
 * @param items the items of this page
 * @param info whether more follow, and the cursors
 * @param <T> item type
 */
public record Paged<T>(List<T> items, PageInfo info) {

  /**
   * The page of a read that fetched one item more than {@code size} to learn whether more follow.
   *
   * @param cursor the cursor after an item (its sort key)
   */
  public static <T> Paged<T> of(List<T> fetched, int size, Function<T, PageCursor> cursor) {
    boolean more = fetched.size() > size;
    List<T> shown = more ? fetched.subList(0, size) : fetched;
    PageInfo.Builder info = PageInfo.newBuilder().setHasNextPage(more);
    for (T item : shown) {
      info.addItemCursors(cursor.apply(item).encode());
    }
    if (more) {
      info.setNextCursor(info.getItemCursors(shown.size() - 1));
    }
    return new Paged<>(List.copyOf(shown), info.build());
  }
}
