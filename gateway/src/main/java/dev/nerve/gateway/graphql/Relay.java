package dev.nerve.gateway.graphql;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.gateway.contract.ProtoValues;
import java.util.ArrayList;
import java.util.List;

/**
 * Relay connections over list responses: a GraphQL type named {@code <Node>Connection} is served
 * from a response message with one repeated message field (the nodes) and a
 * {@code nerve.common.v1.PageInfo page_info}; its {@code edges} pair each node with its cursor and
 * its {@code pageInfo} follows the Relay spec. Other fields of the connection are the response's.
 */
final class Relay {

  private Relay() {}

  /**
   * One edge.
   *
   * @param cursor cursor after this node
   * @param node the node
   */
  record Edge(String cursor, Object node) {}

  /**
   * Relay's page info.
   *
   * @param hasNextPage whether more items follow
   * @param hasPreviousPage whether this page started after a cursor
   * @param startCursor cursor of the first edge
   * @param endCursor cursor of the last edge
   */
  record Page(boolean hasNextPage, boolean hasPreviousPage, String startCursor, String endCursor) {}

  /** Whether a GraphQL type name is a connection's. */
  static boolean isConnection(String typeName) {
    return typeName.endsWith("Connection");
  }

  /** The repeated message field holding a list response's nodes; null when there is not exactly one. */
  static FieldDescriptor nodes(com.google.protobuf.Descriptors.Descriptor response) {
    List<FieldDescriptor> candidates =
        response.getFields().stream()
            .filter(f -> f.isRepeated() && !f.isMapField() && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE)
            .toList();
    return candidates.size() == 1 ? candidates.get(0) : null;
  }

  /** The page-info field of a list response; null when it has none. */
  static FieldDescriptor pageInfo(com.google.protobuf.Descriptors.Descriptor response) {
    return response.getFields().stream()
        .filter(f -> !f.isRepeated() && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE)
        .filter(f -> f.getMessageType().getFullName().equals(PageInfo.getDescriptor().getFullName()))
        .findFirst()
        .orElse(null);
  }

  static List<Edge> edges(Message response) {
    FieldDescriptor nodes = nodes(response.getDescriptorForType());
    List<String> cursors = info(response).getItemCursorsList();
    List<?> items = (List<?>) ProtoValues.field(response, nodes);
    List<Edge> edges = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      edges.add(new Edge(i < cursors.size() ? cursors.get(i) : null, items.get(i)));
    }
    return edges;
  }

  static Page page(Message response, Object request) {
    PageInfo info = info(response);
    List<String> cursors = info.getItemCursorsList();
    String start = cursors.isEmpty() ? null : cursors.get(0);
    String end = cursors.isEmpty() ? emptyToNull(info.getNextCursor()) : cursors.get(cursors.size() - 1);
    return new Page(info.getHasNextPage(), startedAfterCursor(request), start, end);
  }

  private static PageInfo info(Message response) {
    FieldDescriptor field = pageInfo(response.getDescriptorForType());
    return field == null ? PageInfo.getDefaultInstance() : (PageInfo) response.getField(field);
  }

  private static boolean startedAfterCursor(Object request) {
    if (request instanceof Message message) {
      FieldDescriptor page = ProtoValues.fields(message.getDescriptorForType()).get("page");
      return page != null && message.getField(page) instanceof PageRequest p && !p.getCursor().isEmpty();
    }
    return false;
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
