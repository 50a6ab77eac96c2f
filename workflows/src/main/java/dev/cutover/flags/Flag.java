package dev.cutover.flags;

/** The flags an application reads from {@code cutover.flags} in the source database. */
public enum Flag {
  /** 0/1: the application writes both tables itself (application mode); trigger mode sets it for visibility. */
  DUAL_WRITE("dual_write"),
  /** 0-100: share of reads served from the new table. */
  READ_PERCENT("read_percent"),
  /** 0: the legacy table is the source of truth; 1: the new table is. */
  WRITE_TARGET("write_target");

  private final String column;

  Flag(String column) {
    this.column = column;
  }

  public String flagName() {
    return column;
  }
}
