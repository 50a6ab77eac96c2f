package dev.cutover.runbook;

/** A schema-qualified table name; {@code customers} means {@code public.customers}. */
public record TableName(String schema, String name) {

  public static TableName parse(String qualified) {
    if (qualified == null) {
      throw new IllegalArgumentException("table name is missing");
    }
    int dot = qualified.indexOf('.');
    if (dot < 0) {
      return new TableName("public", qualified);
    }
    return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
  }

  @Override
  public String toString() {
    return schema + "." + name;
  }
}
