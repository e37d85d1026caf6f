package dev.nerve.gateway.audit;

import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.IdentityContext;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/** The audit log over GraphQL ({@code audit}) and REST ({@code GET /api/v1/audit}), for admins of the tenant. */
@Controller
@Tag(name = "Audit", description = "Audit log of the tenant")
class AuditControllers {

  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 500;

  private final AuditLog log;

  AuditControllers(AuditLog log) {
    this.log = log;
  }

  /** GraphQL connection shapes. */
  record Edge(String cursor, AuditLog.Entry node) {}

  record PageInfo(boolean hasNextPage, boolean hasPreviousPage, String startCursor, String endCursor) {}

  record Connection(List<Edge> edges, PageInfo pageInfo) {}

  /**
   * REST page.
   *
   * @param items entries, newest first
   * @param nextCursor cursor of the next page; null on the last
   */
  record RestPage(List<AuditLog.Entry> items, String nextCursor) {}

  @QueryMapping
  Connection audit(@Argument Map<String, Object> filter, @Argument Integer first, @Argument String after) {
    AuditLog.Page page =
        log.query(
            IdentityContext.require().tenantId(),
            filter == null
                ? null
                : new AuditLog.Filter(
                    (String) filter.get("actor"),
                    (String) filter.get("operation"),
                    (String) filter.get("result"),
                    instant(filter.get("since")),
                    instant(filter.get("until"))),
            size("first", first),
            after);
    List<Edge> edges =
        page.entries().stream().map(entry -> new Edge(AuditLog.encode(entry.id()), entry)).toList();
    return new Connection(
        edges,
        new PageInfo(
            page.nextCursor() != null,
            after != null && !after.isBlank(),
            edges.isEmpty() ? null : edges.get(0).cursor(),
            edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor()));
  }

  @GetMapping("/api/v1/audit")
  @ResponseBody
  @Operation(summary = "Audit log", description = "Mutations of the caller's tenant, newest first, with filters and cursor paging (admins).")
  RestPage auditRest(
      @RequestParam(required = false) String actor,
      @RequestParam(required = false) String operation,
      @RequestParam(required = false) String result,
      @RequestParam(required = false) String since,
      @RequestParam(required = false) String until,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    AuditLog.Page page =
        log.query(
            IdentityContext.require().tenantId(),
            new AuditLog.Filter(actor, operation, result, parse("since", since), parse("until", until)),
            size("limit", limit),
            cursor,
            "cursor");
    return new RestPage(page.entries(), page.nextCursor());
  }

  private static int size(String field, Integer requested) {
    int size = requested == null ? DEFAULT_PAGE : requested;
    if (size < 1 || size > MAX_PAGE) {
      throw NerveException.invalid(field, "range", "must be between 1 and " + MAX_PAGE);
    }
    return size;
  }

  private static Instant instant(Object value) {
    if (value instanceof Instant i) {
      return i;
    }
    if (value instanceof java.time.OffsetDateTime o) {
      return o.toInstant();
    }
    return null;
  }

  private static Instant parse(String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw NerveException.invalid(field, "format", "must be an RFC 3339 date-time");
    }
  }
}
