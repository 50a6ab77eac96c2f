package dev.cutover.runbook;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A migration runbook: what moves where, through which mapping, and how each phase behaves. Immutable;
 * {@link RunbookLoader} reads it from YAML and {@link RunbookValidator} checks it before anything starts.
 * Defaults fill every section but {@code name}, {@code source}, {@code target} and {@code mapping}.
 *
 * <p>A runbook never holds credentials: connections are names the worker resolves.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Runbook(
    String name,
    Source source,
    Target target,
    Map<String, String> mapping,
    Map<String, String> reverse,
    DualWrite dualWrite,
    Backfill backfill,
    Reconcile reconcile,
    ReadCutover readCutover,
    Gates gates,
    Decommission decommission,
    Rollback rollback) {

  public Runbook {
    mapping = mapping == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(mapping));
    reverse = reverse == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(reverse));
    dualWrite = dualWrite == null ? new DualWrite(null) : dualWrite;
    backfill = backfill == null ? new Backfill(null, null, null, null) : backfill;
    reconcile = reconcile == null ? new Reconcile(null, null, null, null) : reconcile;
    readCutover = readCutover == null ? new ReadCutover(null, null) : readCutover;
    gates = gates == null ? new Gates(null, null, null) : gates;
    decommission = decommission == null ? new Decommission(null, null) : decommission;
    rollback = rollback == null ? new Rollback(null) : rollback;
  }

  /** The legacy table and its key. {@code key} is one column or a list (composite key). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Source(
      String connection,
      String table,
      @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> key,
      String version) {
    public Source {
      connection = connection == null ? "primary" : connection;
      key = listOf(key);
    }

    public TableName tableName() {
      return TableName.parse(table);
    }
  }

  /** The new table. {@code create: true} lets baseline create it from the mapping's types (expand). */
  public record Target(String connection, String table, Boolean create) {
    public Target {
      connection = connection == null ? "primary" : connection;
      create = create != null && create;
    }

    public TableName tableName() {
      return TableName.parse(table);
    }
  }

  public record DualWrite(String mode) {
    public DualWrite {
      mode = mode == null ? "trigger" : mode;
    }
  }

  /** {@code maxRowsPerSecond: 0} means unlimited. */
  public record Backfill(
      Integer chunkRows, Integer parallelism, Integer maxRowsPerSecond, Integer targetChunkMillis) {
    public Backfill {
      chunkRows = chunkRows == null ? 10_000 : chunkRows;
      parallelism = parallelism == null ? 1 : parallelism;
      maxRowsPerSecond = maxRowsPerSecond == null ? 0 : maxRowsPerSecond;
      targetChunkMillis = targetChunkMillis == null ? 50 : targetChunkMillis;
    }
  }

  public record Reconcile(
      Integer chunkRows, Double maxDriftRatio, Integer cleanCycles, String interval) {
    public Reconcile {
      chunkRows = chunkRows == null ? 10_000 : chunkRows;
      maxDriftRatio = maxDriftRatio == null ? 0.0001 : maxDriftRatio;
      cleanCycles = cleanCycles == null ? 3 : cleanCycles;
      interval = interval == null ? "1h" : interval;
    }

    public Duration intervalDuration() {
      return Durations.parse(interval);
    }
  }

  public record ReadCutover(List<Integer> steps, String soak) {
    public ReadCutover {
      steps = steps == null ? List.of(1, 10, 50, 100) : listOf(steps);
      soak = soak == null ? "10m" : soak;
    }

    public Duration soakDuration() {
      return Durations.parse(soak);
    }
  }

  /** Gates not listed in {@code auto} wait for a person on {@code approvers}. */
  public record Gates(List<String> approvers, Boolean twoPersonRule, List<String> auto) {
    public Gates {
      approvers = listOf(approvers);
      twoPersonRule = twoPersonRule != null && twoPersonRule;
      auto = auto == null ? List.of("backfill", "reconcile") : listOf(auto);
    }
  }

  /**
   * {@code retain}: how long the renamed legacy table is kept before the last gate drops it.
   * {@code quiet}: how long decommission watches the legacy table for direct writes before it agrees.
   */
  public record Decommission(String retain, String quiet) {
    public Decommission {
      retain = retain == null ? "7d" : retain;
      quiet = quiet == null ? "1m" : quiet;
    }

    public Duration retainDuration() {
      return Durations.parse(retain);
    }

    public Duration quietDuration() {
      return Durations.parse(quiet);
    }
  }

  public record Rollback(Boolean truncateTarget) {
    public Rollback {
      truncateTarget = truncateTarget != null && truncateTarget;
    }
  }

  /**
   * An unmodifiable copy that keeps null entries ({@code steps: [10, , 100]}), so the validator can point at
   * them; {@link List#copyOf} would throw before it gets the chance.
   */
  private static <T> List<T> listOf(List<T> list) {
    return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
  }

  /** Target key columns, in source key order: the mapping entries that carry a source key column as-is. */
  public List<String> targetKey() {
    List<String> out = new ArrayList<>();
    for (String k : source.key()) {
      String found = null;
      for (Map.Entry<String, String> e : mapping.entrySet()) {
        if (e.getValue() != null && e.getValue().trim().equals(k)) {
          found = e.getKey();
          break;
        }
      }
      out.add(found != null ? found : k);
    }
    return out;
  }

  /** Every gate this runbook has, in the order the migration reaches them. */
  public List<String> gateNames() {
    List<String> out = new ArrayList<>(List.of("dual-write", "backfill", "reconcile"));
    out.addAll(readCutoverGates());
    out.addAll(List.of("write-cutover", "decommission", "drop-legacy"));
    return out;
  }

  /** {@code read-cutover} opens the first canary step; each further step has its own gate. */
  public List<String> readCutoverGates() {
    List<String> out = new ArrayList<>();
    List<Integer> steps = readCutover.steps();
    for (int i = 0; i < steps.size(); i++) {
      out.add(i == 0 ? "read-cutover" : "read-cutover-" + steps.get(i));
    }
    return out;
  }
}
