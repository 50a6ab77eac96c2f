package dev.cutover.sql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * cutover's own objects in each database it touches: the flags applications read, the record of direct
 * legacy writes seen after write cutover, which migration holds which table, the tables expand created,
 * and the sync functions.
 */
public final class CutoverSchema {
  public static final String SCHEMA = "cutover";

  private CutoverSchema() {}

  /** Idempotent; serialised by an advisory lock because concurrent CREATE IF NOT EXISTS can still collide. */
  public static void ensure(Connection c) throws SQLException {
    Sql.execute(c, "SELECT pg_advisory_xact_lock(hashtext('cutover.schema'))");
    Sql.execute(c, "CREATE SCHEMA IF NOT EXISTS cutover");
    Sql.execute(c, "CREATE TABLE IF NOT EXISTS cutover.flags ("
        + " migration text NOT NULL, name text NOT NULL, value integer NOT NULL,"
        + " updated_at timestamptz NOT NULL DEFAULT now(), updated_by text,"
        + " PRIMARY KEY (migration, name))");
    Sql.execute(c, "CREATE TABLE IF NOT EXISTS cutover.legacy_writes ("
        + " table_schema text NOT NULL, table_name text NOT NULL, op text NOT NULL,"
        + " at timestamptz NOT NULL DEFAULT clock_timestamp(), db_user text, application text)");
    Sql.execute(c, "CREATE INDEX IF NOT EXISTS legacy_writes_at ON cutover.legacy_writes (table_schema, table_name, at)");
    Sql.execute(c, "CREATE TABLE IF NOT EXISTS cutover.migrations ("
        + " table_schema text NOT NULL, table_name text NOT NULL, migration text NOT NULL, owner text NOT NULL,"
        + " claimed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (table_schema, table_name))");
    Sql.execute(c, "CREATE TABLE IF NOT EXISTS cutover.created_tables ("
        + " migration text NOT NULL, table_schema text NOT NULL, table_name text NOT NULL,"
        + " created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (migration, table_schema, table_name))");
  }
}
