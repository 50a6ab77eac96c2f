package dev.cutover.sql;

import javax.sql.DataSource;

/**
 * Resolves the connection names a runbook uses to pools. Credentials live only on the worker (Spring
 * configuration), never in a runbook or a workflow history.
 */
public interface Connections {
  /** @throws UnknownConnectionException naming the setting to add */
  DataSource get(String name);

  class UnknownConnectionException extends RuntimeException {
    public UnknownConnectionException(String name) {
      super("connection '" + name + "' is not configured on this worker; set cutover.connections." + name
          + ".url (or CUTOVER_CONNECTIONS_" + name.toUpperCase(java.util.Locale.ROOT) + "_URL)");
    }
  }
}
