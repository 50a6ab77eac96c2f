package dev.cutover.sql;

import dev.cutover.failure.Failures;
import dev.cutover.runbook.Runbook;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Opens a runbook's tables: resolves its connection and reads both tables' catalog entries. */
public final class MigrationTables {
  private MigrationTables() {}

  /** Trigger-mode dual write keeps both tables in one database, reached through the source's connection. */
  public static DataSource dataSource(Connections connections, Runbook rb) {
    try {
      return connections.get(rb.source().connection());
    } catch (Connections.UnknownConnectionException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.MISSING_OBJECT);
    }
  }

  public static MappingSql load(Connection c, Runbook rb) throws SQLException {
    TableInfo source = TableInfo.read(c, rb.source().tableName()).orElseThrow(() -> missing(rb, "source", rb.source().table()));
    TableInfo target = TableInfo.read(c, rb.target().tableName()).orElseThrow(() -> missing(rb, "target", rb.target().table()));
    return new MappingSql(rb, source, target);
  }

  static ApplicationFailure missing(Runbook rb, String which, String table) {
    return ApplicationFailure.newNonRetryableFailure(which + " table " + table + " does not exist on connection '"
        + rb.source().connection() + "'; fix " + which + ".table in the runbook", Failures.MISSING_OBJECT);
  }
}
