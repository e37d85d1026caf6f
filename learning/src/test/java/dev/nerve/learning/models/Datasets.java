package dev.nerve.learning.models;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.Example;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The public datasets shipped as test resources (see src/test/resources/datasets/README.md). */
final class Datasets {

  private Datasets() {}

  /** CSV text of a dataset: {@code iris} or {@code wine}. */
  static String csv(String name) {
    try (InputStream in = Datasets.class.getResourceAsStream("/datasets/" + name + ".csv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows as examples, the last column as label (text) unless {@code labelColumn} names a numeric one. */
  static List<Example> examples(String name, String labelColumn) {
    String[] lines = csv(name).split("\n");
    String[] header = lines[0].split(",");
    List<Example> examples = new ArrayList<>();
    for (int l = 1; l < lines.length; l++) {
      String[] cells = lines[l].split(",");
      Struct.Builder features = Struct.newBuilder();
      Example.Builder example = Example.newBuilder();
      for (int c = 0; c < cells.length; c++) {
        Value value =
            c == cells.length - 1
                ? Value.newBuilder().setStringValue(cells[c]).build()
                : Value.newBuilder().setNumberValue(Double.parseDouble(cells[c])).build();
        if (header[c].equals(labelColumn)) {
          example.setLabel(value);
        } else if (labelColumn != null && c == cells.length - 1) {
          continue; // the class column is dropped when another column is the label
        } else {
          features.putFields(header[c], value);
        }
      }
      examples.add(example.setFeatures(features).build());
    }
    return examples;
  }
}
