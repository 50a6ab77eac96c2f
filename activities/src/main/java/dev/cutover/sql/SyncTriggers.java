package dev.cutover.sql;

import dev.cutover.runbook.Runbook;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The DDL of the sync triggers. Each is an AFTER ROW trigger that applies a row change to the other
 * table in the writer's own transaction: a delete or key change deletes the old key, an insert or update
 * upserts the mapped row. Both directions share the transaction-local guard {@code cutover.applying}:
 * a sync sets it around its own write, so the other direction's trigger skips that write and nothing
 * ping-pongs; cutover's own copy and repair set it too.
 */
public final class SyncTriggers {
  private SyncTriggers() {}

  public static String forwardFunction(Runbook rb) {
    return CutoverSchema.SCHEMA + "." + Sql.ident(rb.name() + "_fwd");
  }

  public static String reverseFunction(Runbook rb) {
    return CutoverSchema.SCHEMA + "." + Sql.ident(rb.name() + "_rev");
  }

  public static String legacyWriteFunction(Runbook rb) {
    return CutoverSchema.SCHEMA + "." + Sql.ident(rb.name() + "_legacy");
  }

  public static String forwardTrigger(Runbook rb) {
    return Sql.ident("cutover_" + rb.name() + "_fwd");
  }

  public static String reverseTrigger(Runbook rb) {
    return Sql.ident("cutover_" + rb.name() + "_rev");
  }

  public static String legacyWriteTrigger(Runbook rb) {
    return Sql.ident("cutover_" + rb.name() + "_legacy");
  }

  /** Source -> target through the mapping. */
  public static List<String> installForward(Runbook rb, MappingSql m) {
    String fn = syncFunction(forwardFunction(rb), rb.source().key(), m.targetTable(), m.targetKey(),
        m.targetColumns(), new ArrayList<>(rb.mapping().values()), m.overriding(), m.upsertSet());
    return List.of(fn,
        "DROP TRIGGER IF EXISTS " + forwardTrigger(rb) + " ON " + m.sourceTable(),
        "CREATE TRIGGER " + forwardTrigger(rb) + " AFTER INSERT OR UPDATE OR DELETE ON " + m.sourceTable()
            + " FOR EACH ROW EXECUTE FUNCTION " + forwardFunction(rb) + "()");
  }

  /** Target -> source through the reverse mapping, plus the recorder of direct legacy writes. */
  public static List<String> installReverse(Runbook rb, MappingSql m) {
    List<String> sourceColumns = new ArrayList<>(rb.reverse().keySet());
    String fn = syncFunction(reverseFunction(rb), m.targetKey(), m.sourceTable(), rb.source().key(),
        sourceColumns, new ArrayList<>(rb.reverse().values()), MappingSql.overriding(m.source(), sourceColumns),
        MappingSql.upsertSet(sourceColumns, rb.source().key()));
    String recorder = "CREATE OR REPLACE FUNCTION " + legacyWriteFunction(rb) + "() RETURNS trigger"
        + " LANGUAGE plpgsql AS $cutover$\nBEGIN\n"
        + "  IF current_setting('cutover.applying', true) = 'on' THEN RETURN NULL; END IF;\n"
        + "  INSERT INTO cutover.legacy_writes (table_schema, table_name, op, db_user, application)\n"
        + "    VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP, current_user, current_setting('application_name', true));\n"
        + "  RETURN NULL;\nEND\n$cutover$";
    return List.of(fn,
        "DROP TRIGGER IF EXISTS " + reverseTrigger(rb) + " ON " + m.targetTable(),
        "CREATE TRIGGER " + reverseTrigger(rb) + " AFTER INSERT OR UPDATE OR DELETE ON " + m.targetTable()
            + " FOR EACH ROW EXECUTE FUNCTION " + reverseFunction(rb) + "()",
        recorder,
        "DROP TRIGGER IF EXISTS " + legacyWriteTrigger(rb) + " ON " + m.sourceTable(),
        "CREATE TRIGGER " + legacyWriteTrigger(rb) + " AFTER INSERT OR UPDATE OR DELETE ON " + m.sourceTable()
            + " FOR EACH STATEMENT EXECUTE FUNCTION " + legacyWriteFunction(rb) + "()");
  }

  public static List<String> dropForward(Runbook rb, String sourceTable) {
    return List.of("DROP TRIGGER IF EXISTS " + forwardTrigger(rb) + " ON " + sourceTable,
        "DROP FUNCTION IF EXISTS " + forwardFunction(rb) + "()");
  }

  public static List<String> dropReverse(Runbook rb, String sourceTable, String targetTable) {
    return List.of("DROP TRIGGER IF EXISTS " + reverseTrigger(rb) + " ON " + targetTable,
        "DROP TRIGGER IF EXISTS " + legacyWriteTrigger(rb) + " ON " + sourceTable,
        "DROP FUNCTION IF EXISTS " + reverseFunction(rb) + "()",
        "DROP FUNCTION IF EXISTS " + legacyWriteFunction(rb) + "()");
  }

  /**
   * A row sync function. {@code fromKey} are key columns of the table the trigger is on; {@code toKey}
   * the matching key columns of the table it writes; {@code exprs} are evaluated over the new row.
   */
  static String syncFunction(String name, List<String> fromKey, String toTable, List<String> toKey,
      List<String> toColumns, List<String> exprs, String overriding, String upsertSet) {
    String oldKey = "(" + fromKey.stream().map(k -> "OLD." + Sql.ident(k)).collect(Collectors.joining(", ")) + ")";
    String newKey = "(" + fromKey.stream().map(k -> "NEW." + Sql.ident(k)).collect(Collectors.joining(", ")) + ")";
    String projection = exprs.stream().map(e -> "(" + e + ")").collect(Collectors.joining(", "));
    return "CREATE OR REPLACE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $cutover$\n"
        + "BEGIN\n"
        + "  IF current_setting('cutover.applying', true) = 'on' THEN RETURN NULL; END IF;\n"
        + "  PERFORM set_config('cutover.applying', 'on', true);\n"
        + "  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND " + oldKey + " IS DISTINCT FROM " + newKey + ") THEN\n"
        + "    DELETE FROM " + toTable + " WHERE " + MappingSql.keyTuple(null, toKey) + " = " + oldKey + ";\n"
        + "  END IF;\n"
        + "  IF TG_OP <> 'DELETE' THEN\n"
        + "    INSERT INTO " + toTable + " (" + Sql.idents(toColumns) + ")" + overriding + "\n"
        + "      SELECT " + projection + " FROM (SELECT NEW.*) AS s\n"
        + "      ON CONFLICT " + MappingSql.keyTuple(null, toKey) + " DO UPDATE SET " + upsertSet + ";\n"
        + "  END IF;\n"
        + "  PERFORM set_config('cutover.applying', 'off', true);\n"
        + "  RETURN NULL;\n"
        + "END\n$cutover$";
  }

  /** Debug aid for plan output: every statement with its terminator. */
  public static String script(List<String> statements) {
    return statements.stream().map(s -> s + ";").collect(Collectors.joining("\n"));
  }

}
