package dev.cutover.reconcile;

import java.util.ArrayList;
import java.util.List;

/** Splits PostgreSQL's text form of a row, {@code (a,"b c",)}, into its fields (null for an empty field). */
final class RowText {
  private RowText() {}

  static List<String> fields(String row) {
    List<String> out = new ArrayList<>();
    if (row == null || row.length() < 2) {
      return out;
    }
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 1; i < row.length() - 1; i++) {
      char ch = row.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < row.length() - 1 && row.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '\\' && i + 1 < row.length() - 1) {
          cur.append(row.charAt(++i));
        } else if (ch == '"') {
          quoted = false;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
        wasQuoted = true;
      } else if (ch == ',') {
        out.add(cur.length() == 0 && !wasQuoted ? null : cur.toString());
        cur.setLength(0);
        wasQuoted = false;
      } else {
        cur.append(ch);
      }
    }
    out.add(cur.length() == 0 && !wasQuoted ? null : cur.toString());
    return out;
  }
}
