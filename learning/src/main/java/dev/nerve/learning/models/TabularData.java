package dev.nerve.learning.models;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.Example;
import dev.nerve.api.learning.v1.ExampleBatch;
import dev.nerve.api.learning.v1.FeatureSpec;
import dev.nerve.api.learning.v1.FeatureType;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Validated tabular examples with their feature schema: every row has the same features, every
 * number is finite, every column has one type (declared, or inferred: numbers NUMBER, true/false
 * BOOLEAN, strings CATEGORY, with each category's values collected for one-hot encoding).
 * Anything else is INVALID_ARGUMENT naming the row and column, before anything is stored.
 *
 * @param schema the features, in name order
 * @param examples the rows, labels as given (unset when unlabelled)
 */
record TabularData(List<FeatureSpec> schema, List<Example> examples) {

  /** Limits a dataset must respect. */
  record Limits(int maxRows, int maxFeatures, int maxCategories) {}

  /** Examples to a validated dataset; {@code field} names the examples in errors. */
  static TabularData of(String field, List<Example> examples, List<FeatureSpec> declared, Limits limits) {
    if (examples.isEmpty()) {
      throw NerveException.invalid(field, "required", "must hold at least one example");
    }
    if (examples.size() > limits.maxRows()) {
      throw NerveException.invalid(field, "max", "holds " + examples.size() + " examples; at most " + limits.maxRows() + " are allowed");
    }
    Map<String, FeatureType> declaredTypes = new TreeMap<>();
    for (int i = 0; i < declared.size(); i++) {
      FeatureSpec spec = declared.get(i);
      if (spec.getType() == FeatureType.FEATURE_TYPE_TEXT || spec.getType() == FeatureType.UNRECOGNIZED) {
        throw NerveException.invalid("features[" + i + "].type", "enum", "must be NUMBER, CATEGORY or BOOLEAN");
      }
      declaredTypes.put(spec.getName(), spec.getType());
    }
    TreeSet<String> columns = new TreeSet<>(examples.get(0).getFeatures().getFieldsMap().keySet());
    if (columns.isEmpty()) {
      throw NerveException.invalid(field + "[0].features", "required", "must hold at least one feature");
    }
    if (columns.size() > limits.maxFeatures()) {
      throw NerveException.invalid(field + "[0].features", "max", "at most " + limits.maxFeatures() + " features are allowed");
    }
    for (String name : columns) {
      if (name.isBlank() || name.length() > 200 || name.contains("=")) {
        throw NerveException.invalid(field + "[0].features." + name, "format", "feature names must be 1 to 200 characters without '='");
      }
    }
    Map<String, FeatureType> types = new TreeMap<>(declaredTypes);
    Map<String, TreeSet<String>> categories = new TreeMap<>();
    List<FieldViolation> violations = new ArrayList<>();
    for (int r = 0; r < examples.size() && violations.size() < 20; r++) {
      Map<String, Value> row = examples.get(r).getFeatures().getFieldsMap();
      if (!row.keySet().equals(columns)) {
        TreeSet<String> missing = new TreeSet<>(columns);
        missing.removeAll(row.keySet());
        TreeSet<String> extra = new TreeSet<>(row.keySet());
        extra.removeAll(columns);
        violations.add(
            new FieldViolation(
                field + "[" + r + "].features",
                "columns",
                "has different features than the first example" + (missing.isEmpty() ? "" : "; missing " + missing)
                    + (extra.isEmpty() ? "" : "; extra " + extra)));
        continue;
      }
      for (Map.Entry<String, Value> cell : row.entrySet()) {
        String where = field + "[" + r + "].features." + cell.getKey();
        FeatureType type = typeOf(cell.getValue());
        if (type == null) {
          violations.add(new FieldViolation(where, "type", cell.getValue().hasNumberValue() ? "must be a finite number" : "must be a number, a string or a boolean"));
          continue;
        }
        FeatureType expected = types.putIfAbsent(cell.getKey(), type);
        if (expected != null && expected != type) {
          violations.add(new FieldViolation(where, "type", "must be " + name(expected) + " like the rest of the column"));
          continue;
        }
        if (type == FeatureType.FEATURE_TYPE_CATEGORY) {
          TreeSet<String> seen = categories.computeIfAbsent(cell.getKey(), k -> new TreeSet<>());
          seen.add(cell.getValue().getStringValue());
          if (seen.size() > limits.maxCategories()) {
            violations.add(new FieldViolation(where, "max", "a category may have at most " + limits.maxCategories() + " values"));
          }
        }
      }
      Value label = examples.get(r).getLabel();
      if (label.hasNumberValue() && !Double.isFinite(label.getNumberValue())) {
        violations.add(new FieldViolation(field + "[" + r + "].label", "finite", "must be a finite number"));
      }
    }
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
    for (String name : declaredTypes.keySet()) {
      if (!columns.contains(name)) {
        throw NerveException.invalid("features", "known", "declares '" + name + "', which the data does not have");
      }
    }
    List<FeatureSpec> schema = new ArrayList<>();
    for (String name : columns) {
      FeatureSpec.Builder spec = FeatureSpec.newBuilder().setName(name).setType(types.get(name));
      if (types.get(name) == FeatureType.FEATURE_TYPE_CATEGORY) {
        spec.addAllCategories(categories.getOrDefault(name, new TreeSet<>()));
      }
      schema.add(spec.build());
    }
    return new TabularData(List.copyOf(schema), List.copyOf(examples));
  }

  /** The type a cell has, or null when it has none (null, list, object, NaN, infinity). */
  static FeatureType typeOf(Value value) {
    return switch (value.getKindCase()) {
      case NUMBER_VALUE -> Double.isFinite(value.getNumberValue()) ? FeatureType.FEATURE_TYPE_NUMBER : null;
      case STRING_VALUE -> FeatureType.FEATURE_TYPE_CATEGORY;
      case BOOL_VALUE -> FeatureType.FEATURE_TYPE_BOOLEAN;
      default -> null;
    };
  }

  static String name(FeatureType type) {
    return type.name().substring("FEATURE_TYPE_".length());
  }

  /**
   * CSV text with a header row to examples: the {@code labelColumn} cell becomes the label, every
   * other cell a feature; cells are numbers when they parse as finite numbers, booleans for
   * true/false, strings otherwise. NaN or infinite numbers, empty cells and rows of another width
   * are INVALID_ARGUMENT naming the line.
   */
  static List<Example> parseCsv(String field, String csv, String labelColumn, int maxRows) {
    List<List<String>> lines = Csv.parse(field, csv, maxRows + 1);
    if (lines.size() < 2) {
      throw NerveException.invalid(field, "required", "must hold a header row and at least one data row");
    }
    List<String> header = lines.get(0);
    String label = labelColumn.isEmpty() ? "label" : labelColumn;
    int labelIndex = header.indexOf(label);
    if (labelIndex < 0 && !labelColumn.isEmpty()) {
      throw NerveException.invalid(field, "known", "has no column '" + labelColumn + "'");
    }
    if (new TreeSet<>(header).size() != header.size()) {
      throw NerveException.invalid(field, "columns", "the header repeats a column name");
    }
    List<Example> examples = new ArrayList<>();
    for (int l = 1; l < lines.size(); l++) {
      List<String> cells = lines.get(l);
      String where = field + " line " + (l + 1);
      if (cells.size() != header.size()) {
        throw NerveException.invalid(field, "columns", "line " + (l + 1) + " has " + cells.size() + " cells; the header has " + header.size());
      }
      Struct.Builder features = Struct.newBuilder();
      Example.Builder example = Example.newBuilder();
      for (int c = 0; c < cells.size(); c++) {
        Value value = cell(field, where.substring(field.length() + 1) + " column " + header.get(c), cells.get(c));
        if (c == labelIndex) {
          example.setLabel(value);
        } else {
          features.putFields(header.get(c), value);
        }
      }
      examples.add(example.setFeatures(features).build());
    }
    return examples;
  }

  private static Value cell(String field, String where, String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw NerveException.invalid(field, "required", where + " is empty");
    }
    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
      return Value.newBuilder().setBoolValue(Boolean.parseBoolean(t.toLowerCase(java.util.Locale.ROOT))).build();
    }
    if (t.matches("(?i)[+-]?(nan|inf|infinity)")) {
      throw NerveException.invalid(field, "finite", where + " is not a finite number");
    }
    if (t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
      double number = Double.parseDouble(t);
      if (!Double.isFinite(number)) {
        throw NerveException.invalid(field, "finite", where + " is not a finite number");
      }
      return Value.newBuilder().setNumberValue(number).build();
    }
    return Value.newBuilder().setStringValue(text).build();
  }

  /** SHA-256 over the schema and every example in a canonical binary encoding. */
  String hash() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (FeatureSpec spec : schema) {
        digest.update(spec.toByteArray());
      }
      for (Example example : examples) {
        // Deterministic serialization orders map entries, so equal examples hash equally.
        var out = new java.io.ByteArrayOutputStream();
        var coded = com.google.protobuf.CodedOutputStream.newInstance(out);
        coded.useDeterministicSerialization();
        example.writeTo(coded);
        coded.flush();
        digest.update(out.toByteArray());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows as a batch, e.g. to keep a held-out split. */
  ExampleBatch batch(List<Example> rows) {
    return ExampleBatch.newBuilder().addAllExamples(rows).build();
  }

  /** Labelled rows only. */
  boolean allLabelled() {
    return examples.stream().allMatch(Example::hasLabel);
  }

  /** Feature names by type, for messages. */
  Map<String, FeatureType> types() {
    Map<String, FeatureType> types = new LinkedHashMap<>();
    schema.forEach(s -> types.put(s.getName(), s.getType()));
    return types;
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
