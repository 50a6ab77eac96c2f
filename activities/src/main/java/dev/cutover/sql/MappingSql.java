package dev.cutover.sql;

import dev.cutover.runbook.Runbook;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL fragments a runbook's mapping turns into, against the real tables' column types. Mapping
 * expressions are operator-authored SQL expressions (checked lexically by the validator and compiled by
 * baseline); everything else here is a quoted identifier or a bind parameter.
 */
public final class MappingSql {
  private final Runbook runbook;
  private final TableInfo source;
  private final TableInfo target;

  public MappingSql(Runbook runbook, TableInfo source, TableInfo target) {
    this.runbook = runbook;
    this.source = source;
    this.target = target;
  }

  public String sourceTable() {
    return Sql.table(source.name());
  }

  public String targetTable() {
    return Sql.table(target.name());
  }

  public List<String> sourceKey() {
    return runbook.source().key();
  }

  public List<String> targetKey() {
    return runbook.targetKey();
  }

  public List<String> targetColumns() {
    return List.copyOf(runbook.mapping().keySet());
  }

  /** {@code "a", "b"} of the mapped target columns. */
  public String targetColumnList() {
    return Sql.idents(targetColumns());
  }

  /** The mapping's expressions in target column order, for use over a row source whose columns are the source's. */
  public String projection() {
    return runbook.mapping().values().stream().map(e -> "(" + e + ")").collect(Collectors.joining(", "));
  }

  /** The mapping cast to the target's column types: what the target row should be, for hashing and compare. */
  public String castProjection() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : runbook.mapping().entrySet()) {
      out.add("CAST((" + e.getValue() + ") AS " + target.type(e.getKey()) + ")");
    }
    return String.join(", ", out);
  }

  /** {@code OVERRIDING SYSTEM VALUE} when a mapped target column is GENERATED ALWAYS AS IDENTITY. */
  public String overriding() {
    return overriding(target, targetColumns());
  }

  /** {@code OVERRIDING SYSTEM VALUE} when one of {@code columns} of {@code table} is GENERATED ALWAYS AS IDENTITY. */
  public static String overriding(TableInfo table, List<String> columns) {
    boolean always = columns.stream().anyMatch(c -> "a".equals(table.columns().get(c).identity()));
    return always ? " OVERRIDING SYSTEM VALUE" : "";
  }

  /** {@code SET "a" = EXCLUDED."a", ...} over the non-key target columns (or a no-op on the key). */
  public String upsertSet() {
    return upsertSet(targetColumns(), targetKey());
  }

  /** {@code SET "a" = EXCLUDED."a", ...} over the non-key {@code columns} (or a no-op on the key). */
  public static String upsertSet(List<String> columns, List<String> key) {
    List<String> cols = columns.stream().filter(c -> !key.contains(c)).toList();
    if (cols.isEmpty()) {
      String k = Sql.ident(key.get(0));
      return k + " = EXCLUDED." + k;
    }
    return cols.stream().map(c -> Sql.ident(c) + " = EXCLUDED." + Sql.ident(c)).collect(Collectors.joining(", "));
  }

  /** {@code (k1, k2)} with an optional qualifier. */
  public static String keyTuple(String qualifier, List<String> key) {
    String q = qualifier == null ? "" : qualifier + ".";
    return "(" + key.stream().map(k -> q + Sql.ident(k)).collect(Collectors.joining(", ")) + ")";
  }

  /** {@code (CAST(? AS t1), CAST(? AS t2))}: key values travel as text and are cast to the column types. */
  public static String keyParams(TableInfo table, List<String> key) {
    return "(" + key.stream().map(k -> "CAST(? AS " + table.type(k) + ")").collect(Collectors.joining(", ")) + ")";
  }

  /**
   * {@code "k1"::text AS cutover_key_1, ...} with an optional qualifier. The aliases matter: an output
   * column named like the key would make {@code ORDER BY "k1"} sort the text, not the key.
   */
  public static String keyText(String qualifier, List<String> key) {
    String q = qualifier == null ? "" : qualifier + ".";
    List<String> out = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      out.add(q + Sql.ident(key.get(i)) + "::text AS cutover_key_" + (i + 1));
    }
    return String.join(", ", out);
  }

  public static String orderBy(String qualifier, List<String> key, boolean descending) {
    String q = qualifier == null ? "" : qualifier + ".";
    return key.stream().map(k -> q + Sql.ident(k) + (descending ? " DESC" : "")).collect(Collectors.joining(", "));
  }

  /**
   * {@code AND (k) > (lower) AND (k) <= (upper)} for a key range; null bounds are open. Appends the
   * bind values (keys as text) to {@code params}.
   */
  public static String range(TableInfo table, List<String> key, List<String> lower, List<String> upper,
      List<Object> params) {
    StringBuilder b = new StringBuilder();
    if (lower != null) {
      b.append(" AND ").append(keyTuple(null, key)).append(" > ").append(keyParams(table, key));
      params.addAll(lower);
    }
    if (upper != null) {
      b.append(" AND ").append(keyTuple(null, key)).append(" <= ").append(keyParams(table, key));
      params.addAll(upper);
    }
    return b.toString();
  }

  public TableInfo source() {
    return source;
  }

  public TableInfo target() {
    return target;
  }
}
