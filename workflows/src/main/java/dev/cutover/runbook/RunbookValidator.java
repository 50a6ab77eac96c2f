package dev.cutover.runbook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Offline checks of a runbook: everything that can be known without a database. Pure and deterministic,
 * so the migration workflow runs it too. The database-side checks (tables, columns, casts) are baseline's.
 */
public final class RunbookValidator {
  /** PostgreSQL identifiers cutover accepts; they are always quoted, so case is kept as written. */
  static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  static final Pattern MIGRATION_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?");

  private RunbookValidator() {}

  public static List<Problem> validate(Runbook rb) {
    List<Problem> out = new ArrayList<>();
    if (rb.name() == null) {
      out.add(Problem.at("/name", "missing field 'name' (the migration id: lowercase letters, digits, '-')"));
    } else if (!MIGRATION_NAME.matcher(rb.name()).matches()) {
      out.add(Problem.at("/name", "name '" + rb.name()
          + "' must be 1-48 lowercase letters, digits and '-', starting and ending with a letter or digit"));
    }
    if (rb.source() == null) {
      out.add(Problem.at("/source", "missing section 'source' {connection, table, key}"));
    } else {
      connection(out, "/source/connection", rb.source().connection());
      table(out, "/source/table", rb.source().table());
      if (rb.source().key().isEmpty()) {
        out.add(Problem.at("/source/key", "missing field 'source.key': name the key column (or a list of them)"));
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < rb.source().key().size(); i++) {
        String k = rb.source().key().get(i);
        identifier(out, "/source/key/" + i, k, "key column");
        if (!seen.add(k)) {
          out.add(Problem.at("/source/key/" + i, "key column '" + k + "' is listed twice"));
        }
      }
      if (rb.source().version() != null) {
        identifier(out, "/source/version", rb.source().version(), "version column");
      }
    }
    if (rb.target() == null) {
      out.add(Problem.at("/target", "missing section 'target' {connection, table}"));
    } else {
      connection(out, "/target/connection", rb.target().connection());
      table(out, "/target/table", rb.target().table());
      if (rb.source() != null && rb.source().table() != null && rb.target().table() != null
          && rb.source().tableName().equals(rb.target().tableName())
          && rb.source().connection().equals(rb.target().connection())) {
        out.add(Problem.at("/target/table", "target table is the source table; name a new table"));
      }
    }
    if (rb.mapping().isEmpty()) {
      out.add(Problem.at("/mapping", "missing section 'mapping': target column -> SQL expression over source columns"));
    }
    expressions(out, "/mapping", rb.mapping(), "target column");
    expressions(out, "/reverse", rb.reverse(), "source column");
    if (rb.source() != null) {
      for (String k : rb.source().key()) {
        boolean carried = rb.mapping().values().stream().anyMatch(v -> v != null && v.trim().equals(k));
        if (!carried && !rb.mapping().isEmpty()) {
          out.add(Problem.at("/mapping", "key column '" + k + "' must be carried unchanged to the target (e.g. '"
              + k + ": " + k + "') so rows can be matched"));
        }
      }
      if (!rb.reverse().isEmpty()) {
        List<String> tk = rb.targetKey();
        for (int i = 0; i < rb.source().key().size(); i++) {
          String k = rb.source().key().get(i);
          String expr = rb.reverse().get(k);
          if (expr == null || !expr.trim().equals(tk.get(i))) {
            out.add(Problem.at("/reverse", "reverse must carry the key back unchanged: add '" + k + ": " + tk.get(i) + "'"));
          }
        }
      }
    }
    if (!"trigger".equals(rb.dualWrite().mode())) {
      out.add(Problem.at("/dualWrite/mode", "dualWrite.mode '" + rb.dualWrite().mode() + "' is not supported; use 'trigger'"));
    }
    positive(out, "/backfill/chunkRows", rb.backfill().chunkRows(), 1, 1_000_000);
    positive(out, "/backfill/parallelism", rb.backfill().parallelism(), 1, 64);
    positive(out, "/backfill/maxRowsPerSecond", rb.backfill().maxRowsPerSecond(), 0, Integer.MAX_VALUE);
    positive(out, "/backfill/targetChunkMillis", rb.backfill().targetChunkMillis(), 1, 60_000);
    positive(out, "/reconcile/chunkRows", rb.reconcile().chunkRows(), 1, 1_000_000);
    positive(out, "/reconcile/cleanCycles", rb.reconcile().cleanCycles(), 1, 1000);
    double drift = rb.reconcile().maxDriftRatio();
    if (drift < 0 || drift > 1 || Double.isNaN(drift)) {
      out.add(Problem.at("/reconcile/maxDriftRatio", "maxDriftRatio must be between 0 and 1, got " + drift));
    }
    duration(out, "/reconcile/interval", rb.reconcile().interval());
    duration(out, "/readCutover/soak", rb.readCutover().soak());
    duration(out, "/decommission/retain", rb.decommission().retain());
    duration(out, "/decommission/quiet", rb.decommission().quiet());
    List<Integer> steps = rb.readCutover().steps();
    if (steps.isEmpty()) {
      out.add(Problem.at("/readCutover/steps", "readCutover.steps must not be empty; the last step must be 100"));
    }
    int prev = 0;
    int firstBad = -1;
    for (int i = 0; i < steps.size(); i++) {
      Integer s = steps.get(i);
      if (s == null || s <= prev || s > 100) {
        out.add(Problem.at("/readCutover/steps/" + i, "canary steps must rise strictly within 1..100, got " + s));
        firstBad = i;
        break;
      }
      prev = s;
    }
    // Judge the step actually written last, not the last good one; and say nothing more when it is the bad one.
    int lastIndex = steps.size() - 1;
    if (lastIndex >= 0 && firstBad != lastIndex && !Integer.valueOf(100).equals(steps.get(lastIndex))) {
      out.add(Problem.at("/readCutover/steps", "the last canary step must be 100 so every read moves, got "
          + steps.get(lastIndex)));
    }
    for (int i = 0; i < rb.gates().approvers().size(); i++) {
      String a = rb.gates().approvers().get(i);
      if (a == null || a.isBlank()) {
        out.add(Problem.at("/gates/approvers/" + i, "approver name is empty"));
      }
    }
    if (rb.gates().twoPersonRule() && rb.gates().approvers().size() == 1) {
      out.add(Problem.at("/gates/approvers", "twoPersonRule needs at least two approvers: the starter may not approve"));
    }
    List<String> gates = rb.gateNames();
    for (int i = 0; i < rb.gates().auto().size(); i++) {
      String g = rb.gates().auto().get(i);
      if (!gates.contains(g)) {
        out.add(Problem.at("/gates/auto/" + i, "unknown gate '" + g + "'; gates are " + String.join(", ", gates)));
      } else if (g.equals("decommission") || g.equals("drop-legacy")) {
        out.add(Problem.at("/gates/auto/" + i, "gate '" + g + "' is past the point of no return and always needs a person"));
      }
    }
    return out;
  }

  private static void connection(List<Problem> out, String path, String name) {
    identifier(out, path, name, "connection name");
  }

  private static void table(List<Problem> out, String path, String table) {
    if (table == null) {
      out.add(Problem.at(path, "missing field '" + path.substring(1).replace('/', '.') + "' (schema.table)"));
      return;
    }
    String[] parts = table.split("\\.", -1);
    if (parts.length > 2) {
      out.add(Problem.at(path, "table '" + table + "' must be 'schema.table' or 'table'"));
      return;
    }
    for (String p : parts) {
      identifier(out, path, p, "table name part");
    }
  }

  static void identifier(List<Problem> out, String path, String id, String what) {
    if (id == null || !IDENTIFIER.matcher(id).matches()) {
      out.add(Problem.at(path, what + " '" + id + "' is not a plain identifier (letters, digits, '_', at most 63)"));
    }
  }

  private static void expressions(List<Problem> out, String path, Map<String, String> map, String what) {
    for (Map.Entry<String, String> e : map.entrySet()) {
      String p = path + "/" + e.getKey();
      identifier(out, p, e.getKey(), what);
      String problem = SqlExpressions.problem(e.getValue());
      if (problem != null) {
        out.add(Problem.at(p, what + " '" + e.getKey() + "': " + problem));
      }
    }
  }

  private static void positive(List<Problem> out, String path, int value, int min, int max) {
    if (value < min || value > max) {
      out.add(Problem.at(path, path.substring(1).replace('/', '.') + " must be between " + min + " and " + max + ", got " + value));
    }
  }

  private static void duration(List<Problem> out, String path, String text) {
    try {
      Duration d = Durations.parse(text);
      if (d.isNegative()) {
        out.add(Problem.at(path, "duration must not be negative"));
      }
    } catch (IllegalArgumentException e) {
      out.add(Problem.at(path, e.getMessage()));
    }
  }
}
