package dev.cutover.runbook;

/**
 * The lexical guard on mapping expressions: each must be one SQL expression, never a statement. Baseline
 * then compiles every expression against the real tables inside a read-only transaction.
 */
public final class SqlExpressions {
  private SqlExpressions() {}

  /** Why {@code expr} cannot be a single expression, or null when it may be one. */
  public static String problem(String expr) {
    if (expr == null || expr.isBlank()) {
      return "expression is empty";
    }
    int depth = 0;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '\'' || c == '"') {
        int close = expr.indexOf(c, i + 1);
        while (close > 0 && close + 1 < expr.length() && expr.charAt(close + 1) == c) {
          close = expr.indexOf(c, close + 2);
        }
        if (close < 0) {
          return "unterminated " + (c == '\'' ? "string literal" : "quoted identifier");
        }
        i = close;
      } else if (c == '$') {
        return "dollar quoting is not allowed in a mapping expression";
      } else if (c == ';') {
        return "';' ends a statement; a mapping value is one SQL expression";
      } else if (c == '-' && i + 1 < expr.length() && expr.charAt(i + 1) == '-'
          || c == '/' && i + 1 < expr.length() && expr.charAt(i + 1) == '*') {
        return "comments are not allowed in a mapping expression";
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        if (--depth < 0) {
          return "unbalanced ')'";
        }
      }
    }
    return depth == 0 ? null : "unbalanced '('";
  }
}
