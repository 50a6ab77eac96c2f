package dev.cutover.cli;

import dev.cutover.baseline.BaselineReport;
import dev.cutover.migration.MigrationStatus;
import dev.cutover.migration.MigrationStatus.Approval;
import dev.cutover.migration.MigrationStatus.PhaseRecord;
import dev.cutover.migration.MigrationStatus.Progress;
import dev.cutover.migration.MigrationStatus.ReconcileCycle;
import dev.cutover.reconcile.ReconcileActivities.Mismatch;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** The human rendering of a {@link MigrationStatus}. */
final class StatusView {
  private StatusView() {}

  static void render(MigrationStatus s, PrintWriter out) {
    out.println(s.id() + "  " + s.state() + (s.phase() == null ? "" : "  phase " + s.phase()));
    line(out, "started", when(s.startedAt()) + (s.startedBy() == null ? "" : " by " + s.startedBy()));
    if (s.endedAt() != null) {
      line(out, "ended", when(s.endedAt()) + " (after " + between(s.startedAt(), s.endedAt()) + ")");
    }
    if (s.pendingGate() != null) {
      line(out, "pending", "gate " + s.pendingGate() + " since " + when(s.pendingSince())
          + (s.waitingFor() == null ? "" : ", waiting for " + s.waitingFor()));
      line(out, "", "cutover approve " + s.id() + " " + s.pendingGate() + " --as <you> --comment \"...\"");
    }
    if (s.progress() != null) {
      line(out, "progress", progress(s.progress()));
    }
    if (s.reconcile() != null) {
      line(out, "reconcile", reconcile(s.reconcile()));
      if (s.reconcile().samples() != null) {
        for (Mismatch m : s.reconcile().samples()) {
          line(out, "", "  " + m.kind() + " key " + m.key() + (m.column() == null ? "" : " " + m.column() + ": "
              + m.sourceValue() + " != " + m.targetValue()));
        }
      }
    }
    if (s.baseline() != null) {
      BaselineReport b = s.baseline();
      line(out, "baseline", "source ~" + count(b.sourceRowEstimate()) + " rows, target ~"
          + count(b.targetRowEstimate()) + " rows, " + b.findings().size() + " finding(s)");
      for (BaselineReport.Finding f : b.findings()) {
        if (f.severity() != BaselineReport.Severity.INFO) {
          line(out, "", "  " + f.severity() + " " + f.check() + ": " + f.message());
        }
      }
    }
    if (s.failure() != null) {
      line(out, s.state() == MigrationStatus.State.ROLLED_BACK ? "reason" : "failure", s.failure());
    }
    if (s.phases() != null && !s.phases().isEmpty()) {
      out.println("  phases");
      for (PhaseRecord p : s.phases()) {
        String time = p.endedAt() == null ? "since " + when(p.startedAt())
            : when(p.startedAt()) + " (" + between(p.startedAt(), p.endedAt()) + ")";
        out.println(String.format(Locale.ROOT, "    %-18s %-10s %s%s", p.name(), p.state(), time,
            p.summary() == null ? "" : "  " + p.summary()));
      }
    }
    if (s.approvals() != null && !s.approvals().isEmpty()) {
      out.println("  approvals");
      for (Approval a : s.approvals()) {
        out.println(String.format(Locale.ROOT, "    %-18s %-8s %s%s", a.gate(), a.approver(), when(a.at()),
            a.comment() == null || a.comment().isBlank() ? "" : "  \"" + a.comment() + "\""));
      }
    }
    if (s.compensations() != null && !s.compensations().isEmpty()) {
      out.println("  compensations (in the order they ran)");
      s.compensations().forEach(c -> out.println("    - " + c));
    }
    if (s.refusals() != null && !s.refusals().isEmpty()) {
      out.println("  refusals");
      s.refusals().forEach(r -> out.println("    - " + r));
    }
  }

  static String progress(Progress p) {
    return String.format(Locale.ROOT, "%s %s/%s rows (%.1f%%), %s rows/s%s", p.phase(), count(p.done()),
        count(p.total()), p.percent(), count(p.rowsPerSecond()),
        p.etaSeconds() > 0 ? ", ETA " + duration(Duration.ofSeconds(p.etaSeconds())) : "");
  }

  static String reconcile(ReconcileCycle c) {
    return String.format(Locale.ROOT, "cycle %d at %s: %s rows checked, %s mismatched, %s repaired, drift %.6f (%s, "
        + "clean streak %d)", c.cycle(), when(c.at()), count(c.rowsChecked()), count(c.mismatchedRows()),
        count(c.repaired()), c.driftRatio(), c.clean() ? "clean" : "not clean", c.cleanStreak());
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Seconds are enough for people; the JSON keeps the full timestamp. */
  static String when(String iso) {
    if (iso == null) {
      return "?";
    }
    try {
      return Instant.parse(iso).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    } catch (DateTimeParseException e) {
      return iso;
    }
  }

  static String between(String from, String to) {
    try {
      return duration(Duration.between(Instant.parse(from), Instant.parse(to)));
    } catch (RuntimeException e) {
      return "?";
    }
  }

  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return d.toMillis() < 10_000 && d.toMillis() % 1000 != 0
          ? String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0) : s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : " " + s % 60 + "s");
    }
    if (s < 86400) {
      return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + "m");
    }
    return s / 86400 + "d" + (s % 86400 / 3600 == 0 ? "" : " " + s % 86400 / 3600 + "h");
  }

  private static void line(PrintWriter out, String label, String text) {
    out.println(String.format(Locale.ROOT, "  %-10s %s", label, text));
  }
}
