package dev.nerve.learning.models;

import dev.nerve.platform.error.NerveException;
import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV: commas, double-quoted cells with doubled quotes, CRLF or LF line ends. */
final class Csv {

  private Csv() {}

  /** The rows of {@code text}, at most {@code maxRows} (more is INVALID_ARGUMENT on {@code field}). */
  static List<List<String>> parse(String field, String text, int maxRows) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cell.append(c);
        }
        continue;
      }
      switch (c) {
        case '"' -> {
          quoted = true;
          any = true;
        }
        case ',' -> {
          row.add(cell.toString());
          cell.setLength(0);
          any = true;
        }
        case '\r' -> { }
        case '\n' -> {
          if (any || cell.length() > 0) {
            row.add(cell.toString());
            rows.add(row);
            if (rows.size() > maxRows) {
              throw NerveException.invalid(field, "max", "holds more than " + (maxRows - 1) + " data rows");
            }
          }
          row = new ArrayList<>();
          cell.setLength(0);
          any = false;
        }
        default -> {
          cell.append(c);
          any = true;
        }
      }
    }
    if (quoted) {
      throw NerveException.invalid(field, "format", "ends inside a quoted cell");
    }
    if (any || cell.length() > 0) {
      row.add(cell.toString());
      rows.add(row);
      if (rows.size() > maxRows) {
        throw NerveException.invalid(field, "max", "holds more than " + (maxRows - 1) + " data rows");
      }
    }
    return rows;
  }
}
