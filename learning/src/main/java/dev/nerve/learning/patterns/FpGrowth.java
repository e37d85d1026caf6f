package dev.nerve.learning.patterns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Frequent itemsets by FP-Growth (Han, Pei and Yin, 2000): one pass counts items, a second builds
 * the FP-tree of each transaction's frequent items in a fixed order, then the tree is mined
 * recursively through conditional trees, never enumerating candidates. Exact: it finds every
 * itemset contained in at least {@code minCount} transactions (up to {@code maxLength} items),
 * with its exact count. Deterministic: items are ordered by count, then name, and the result is
 * sorted by count (descending), size, then items.
 */
public final class FpGrowth {

  private FpGrowth() {}

  /** Every itemset of at most {@code maxLength} items found in at least {@code minCount} transactions. */
  public static List<FrequentItemset> mine(List<? extends Iterable<String>> transactions, long minCount, int maxLength) {
    if (minCount < 1) {
      throw new IllegalArgumentException("minCount must be at least 1");
    }
    ItemCodes codes = new ItemCodes();
    List<int[]> encoded = new ArrayList<>(transactions.size());
    Map<Integer, Long> counts = new HashMap<>();
    for (Iterable<String> transaction : transactions) {
      Set<Integer> unique = new LinkedHashSet<>();
      for (String item : transaction) {
        unique.add(codes.code(item));
      }
      int[] items = unique.stream().mapToInt(Integer::intValue).toArray();
      for (int item : items) {
        counts.merge(item, 1L, Long::sum);
      }
      encoded.add(items);
    }
    // Rank frequent items: higher count first, then name, so the tree shape is deterministic.
    List<Integer> frequent =
        counts.entrySet().stream()
            .filter(e -> e.getValue() >= minCount)
            .map(Map.Entry::getKey)
            .sorted(Comparator.<Integer>comparingLong(counts::get).reversed().thenComparing(codes::name))
            .toList();
    int[] rank = new int[codes.size()];
    Arrays.fill(rank, -1);
    for (int i = 0; i < frequent.size(); i++) {
      rank[frequent.get(i)] = i;
    }
    Tree tree = new Tree(frequent.size());
    for (int[] items : encoded) {
      int[] ranked = Arrays.stream(items).map(item -> rank[item]).filter(r -> r >= 0).sorted().toArray();
      tree.insert(ranked, 1);
    }
    List<FrequentItemset> found = new ArrayList<>();
    mine(tree, new int[0], minCount, maxLength, ranked -> {
      List<String> names = new ArrayList<>(ranked.length);
      for (int r : ranked) {
        names.add(codes.name(frequent.get(r)));
      }
      names.sort(Comparator.naturalOrder());
      return names;
    }, found);
    found.sort(ORDER);
    return found;
  }

  /** Count descending, then fewer items first, then items in name order. */
  static final Comparator<FrequentItemset> ORDER =
      Comparator.comparingLong(FrequentItemset::count)
          .reversed()
          .thenComparingInt(s -> s.items().size())
          .thenComparing(s -> String.join("\u0000", s.items()));

  private interface Namer {
    List<String> names(int[] ranked);
  }

  private static void mine(Tree tree, int[] suffix, long minCount, int maxLength, Namer namer, List<FrequentItemset> out) {
    for (int item = tree.heads.length - 1; item >= 0; item--) {
      long support = tree.support[item];
      if (support < minCount) {
        continue;
      }
      int[] itemset = Arrays.copyOf(suffix, suffix.length + 1);
      itemset[suffix.length] = item;
      out.add(new FrequentItemset(namer.names(itemset), support));
      if (itemset.length >= maxLength) {
        continue;
      }
      // Conditional pattern base: the prefix path of every node of this item, with its count.
      Tree conditional = new Tree(item);
      long[] pathCounts = new long[item];
      for (Node node = tree.heads[item]; node != null; node = node.next) {
        for (Node up = node.parent; up.item >= 0; up = up.parent) {
          pathCounts[up.item] += node.count;
        }
      }
      boolean any = false;
      for (Node node = tree.heads[item]; node != null; node = node.next) {
        List<Integer> path = new ArrayList<>();
        for (Node up = node.parent; up.item >= 0; up = up.parent) {
          if (pathCounts[up.item] >= minCount) {
            path.add(up.item);
          }
        }
        if (!path.isEmpty()) {
          int[] ordered = new int[path.size()];
          for (int i = 0; i < ordered.length; i++) {
            ordered[i] = path.get(ordered.length - 1 - i);
          }
          conditional.insert(ordered, node.count);
          any = true;
        }
      }
      if (any) {
        mine(conditional, itemset, minCount, maxLength, namer, out);
      }
    }
  }

  /** An FP-tree over item ranks 0..size-1, with a node list and total count per item. */
  private static final class Tree {
    final Node root = new Node(-1, null);
    final Node[] heads;
    final long[] support;

    Tree(int size) {
      heads = new Node[size];
      support = new long[size];
    }

    void insert(int[] ranked, long count) {
      Node node = root;
      for (int item : ranked) {
        Node child = node.child(item);
        if (child == null) {
          child = new Node(item, node);
          node.addChild(child);
          child.next = heads[item];
          heads[item] = child;
        }
        child.count += count;
        support[item] += count;
        node = child;
      }
    }
  }

  private static final class Node {
    final int item;
    final Node parent;
    long count;
    Node next;
    private Map<Integer, Node> children;
    private Node onlyChild;

    Node(int item, Node parent) {
      this.item = item;
      this.parent = parent;
    }

    Node child(int item) {
      if (onlyChild != null) {
        return onlyChild.item == item ? onlyChild : null;
      }
      return children == null ? null : children.get(item);
    }

    void addChild(Node child) {
      if (children == null && onlyChild == null) {
        onlyChild = child;
        return;
      }
      if (children == null) {
        children = new HashMap<>(4);
        children.put(onlyChild.item, onlyChild);
        onlyChild = null;
      }
      children.put(child.item, child);
    }
  }
}
