package dev.cutover.baseline;

import java.util.List;

/** What baseline found, kept in the phase result so status and history show it. */
public record BaselineReport(
    List<Finding> findings,
    long sourceRowEstimate,
    long sourceBytes,
    long targetRowEstimate,
    long targetBytes,
    List<String> targetConstraints,
    int sampledRows,
    boolean targetCreated) {

  public BaselineReport {
    findings = findings == null ? List.of() : List.copyOf(findings);
    targetConstraints = targetConstraints == null ? List.of() : List.copyOf(targetConstraints);
  }

  public List<Finding> blocking() {
    return findings.stream().filter(f -> f.severity() == Severity.BLOCKING).toList();
  }

  public enum Severity { BLOCKING, WARNING, INFO }

  public record Finding(Severity severity, String check, String message) {}
}
