package dev.cutover.runbook;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a runbook YAML file into a {@link Runbook} and validates it; every problem comes back as
 * {@code FILE:LINE:COL: message} through {@link InvalidRunbookException}.
 */
public final class RunbookLoader {
  private static final ObjectMapper YAML = new ObjectMapper(
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private RunbookLoader() {}

  public static Runbook load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidRunbookException(file.toString(), List.of(Problem.at("", "no such file")));
    } catch (IOException e) {
      throw new InvalidRunbookException(file.toString(), List.of(Problem.at("", "cannot read: " + e.getMessage())));
    }
    return parse(file.toString(), text);
  }

  /** Parses and validates {@code text}; {@code file} names it in messages. */
  public static Runbook parse(String file, String text) {
    Runbook rb;
    Map<String, JsonLocation> locations;
    try {
      locations = locate(text);
    } catch (JsonProcessingException e) {
      throw new InvalidRunbookException(file, List.of(fromJackson(e, Map.of())));
    }
    try {
      rb = YAML.readValue(text, Runbook.class);
    } catch (JsonProcessingException e) {
      throw new InvalidRunbookException(file, List.of(fromJackson(e, locations)));
    }
    if (rb == null) {
      throw new InvalidRunbookException(file, List.of(Problem.at("", "the runbook is empty")));
    }
    List<Problem> problems = RunbookValidator.validate(rb);
    if (!problems.isEmpty()) {
      throw new InvalidRunbookException(file, problems.stream()
          .map(p -> locate(p, locations))
          .collect(Collectors.toList()));
    }
    return rb;
  }

  public static String toYaml(Runbook rb) {
    try {
      return YAML.writeValueAsString(rb);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Problem locate(Problem p, Map<String, JsonLocation> locations) {
    String path = p.path();
    while (true) {
      JsonLocation loc = locations.get(path);
      if (loc != null) {
        return p.located(loc.getLineNr(), loc.getColumnNr());
      }
      if (path.isEmpty()) {
        return p.located(1, 1);
      }
      path = path.substring(0, path.lastIndexOf('/'));
    }
  }

  private static Problem fromJackson(JsonProcessingException e, Map<String, JsonLocation> locations) {
    // Jackson reports where its parser stood when it gave up, which for YAML is past the offending key
    // (often the next line); the key's own place is in the location map.
    JsonLocation loc = e instanceof JsonMappingException m && !m.getPath().isEmpty()
        ? locations.getOrDefault(pointerOf(m), e.getLocation())
        : e.getLocation();
    int line = loc == null ? 1 : loc.getLineNr();
    int col = loc == null ? 1 : loc.getColumnNr();
    String msg;
    MarkedYAMLException yaml = yamlCause(e);
    if (yaml != null && yaml.getContextMark() != null) {
      // SnakeYAML puts the context first ("while parsing a flow mapping") and what went wrong second.
      msg = yaml.getProblem() + " (" + yaml.getContext() + " started at line " + (yaml.getContextMark().getLine() + 1)
          + ", column " + (yaml.getContextMark().getColumn() + 1) + ")";
    } else if (yaml != null) {
      msg = yaml.getProblem();
    } else if (e instanceof UnrecognizedPropertyException u) {
      String where = u.getPath().size() > 1 ? " in '" + pathOf(u).replaceFirst("\\.[^.]+$", "") + "'" : "";
      msg = "unknown key '" + u.getPropertyName() + "'" + where + "; known keys: "
          + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
    } else if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      msg = "'" + pathOf(m) + "': " + m.getOriginalMessage().replaceAll("\\s*\\(class [^)]*\\)", "")
          .replaceAll("`[a-z.]+\\.([A-Za-z$]+)`", "$1").split("\n")[0];
    } else {
      msg = e.getOriginalMessage().split("\n")[0];
    }
    return new Problem("", line, col, msg);
  }

  private static MarkedYAMLException yamlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException m) {
        return m;
      }
    }
    return null;
  }

  /** The {@code /a/b/0} form {@link #locate(String)} keys its map by. */
  private static String pointerOf(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> "/" + (r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex())))
        .collect(Collectors.joining());
  }

  private static String pathOf(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
        .collect(Collectors.joining("."));
  }

  /** Path ({@code /a/b/0}) of every value in the document to where it starts. */
  private static Map<String, JsonLocation> locate(String text) throws JsonProcessingException {
    Map<String, JsonLocation> out = new HashMap<>();
    Deque<Frame> stack = new ArrayDeque<>();
    try (JsonParser p = YAML.getFactory().createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          stack.peekLast().field = p.currentName();
          out.put(join(stack), p.currentTokenLocation());
          continue;
        }
        if (t.isStructEnd()) {
          stack.removeLast();
          continue;
        }
        if (!stack.isEmpty() && stack.peekLast().array) {
          stack.peekLast().index++;
          out.put(join(stack), p.currentTokenLocation());
        }
        if (t.isStructStart()) {
          stack.addLast(new Frame(t == JsonToken.START_ARRAY));
        }
      }
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static final class Frame {
    final boolean array;
    String field;
    int index = -1;

    Frame(boolean array) {
      this.array = array;
    }
  }

  private static String join(Deque<Frame> stack) {
    StringBuilder b = new StringBuilder();
    for (Frame f : stack) {
      if (f.array ? f.index >= 0 : f.field != null) {
        b.append('/').append(f.array ? String.valueOf(f.index) : f.field);
      }
    }
    return b.toString();
  }
}
