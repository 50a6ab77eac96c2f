package dev.cutover.cli;

import dev.cutover.migration.MigrationStatus;
import dev.cutover.migration.MigrationStatus.Approval;
import dev.cutover.migration.MigrationStatus.PhaseRecord;
import dev.cutover.migration.MigrationWorkflow;
import dev.cutover.runbook.Problem;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import dev.cutover.runbook.RunbookValidator;
import io.temporal.client.WorkflowUpdateException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", description = {"dev, plus demo tables, a live application and a full run of customers-v2.",
    "The example runbook runs end to end at demo speed while the application writes and reads the whole time:",
    "started by alice, every gate approved by bob. Exit 0 when the migration completed and the tables agree",
    "(difference = 0), 6 otherwise."})
class DemoCommand implements Callable<Integer> {
  static final String RUNBOOK = "runbooks/customers-v2.yaml";
  static final String STARTER = "alice";
  static final String APPROVER = "bob";
  static final Duration POLL = Duration.ofMillis(250);
  static final Duration GIVE_UP = Duration.ofMinutes(15);

  @Spec
  CommandSpec spec;

  @Option(names = "--rows", paramLabel = "N", defaultValue = "100000",
      description = "rows in the legacy table (default ${DEFAULT-VALUE})")
  int rows;

  @Option(names = "--runbook", paramLabel = "FILE",
      description = "the runbook over the demo tables (default " + RUNBOOK + " under the working directory or the "
          + "cutover checkout)")
  Path runbook;

  @Option(names = "--keep-running", description = "keep Temporal, PostgreSQL and the worker up afterwards, for a "
      + "second terminal; Ctrl-C stops them")
  boolean keepRunning;

  @Option(names = "--temporal-port", paramLabel = "PORT", defaultValue = "7233",
      description = "Temporal's port, if free; else any free port (default ${DEFAULT-VALUE})")
  int temporalPort;

  @Option(names = "--pg-port", paramLabel = "PORT", defaultValue = "0",
      description = "PostgreSQL's port (default: any free port)")
  int pgPort;

  @Option(names = "--app-writers", paramLabel = "N", defaultValue = "2", hidden = true)
  int appWriters;

  private PrintWriter out;
  private long t0;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    t0 = System.nanoTime();
    if (rows < 1) {
      throw new CliFailure(ExitCode.INVALID_INPUT, "--rows must be at least 1");
    }
    Runbook loaded = RunbookLoader.load(findRunbook());
    Runbook rb = demoSpeed(loaded);

    say("starting Temporal (Java test server), PostgreSQL (embedded) and the worker");
    DevStack stack = DevStack.start(temporalPort, true, pgPort, Map.of(
        "logging.level.dev.cutover", "WARN",
        "logging.level.io.temporal", "ERROR",
        "logging.level.io.temporal.internal.worker", "ERROR"));
    try {
      int code = run(stack, loaded, rb);
      if (keepRunning) {
        out.println();
        DevCommand.printConnections(stack, out);
        out.println("  ./cutover history " + rb.name());
        out.println("still running (--keep-running); Ctrl-C stops everything.");
        out.flush();
        DevCommand.blockUntilShutdown(stack);
        return code;
      }
      return code;
    } finally {
      if (!keepRunning) {
        stack.close();
      }
    }
  }

  private int run(DevStack stack, Runbook loaded, Runbook rb) throws Exception {
    say("Temporal at " + stack.temporalAddress() + ", PostgreSQL at " + stack.jdbcUrl());
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(stack.jdbcUrl());
    ds.setUser(DevStack.DB_USER);
    DemoTables.create(ds, "public", rows);
    say(String.format(Locale.ROOT, "created public.customers with %,d rows and an empty public.customers_v2", rows));
    say("demo-speed timings override the runbook: " + overrides(loaded, rb));

    SyntheticApp app = new SyntheticApp(stack.jdbcUrl(), DevStack.DB_USER, "", rb.name(), appWriters,
        GIVE_UP, this::say);
    app.start();
    say("application started: " + appWriters + " writer threads (inserts, updates, deletes, key changes) and a"
        + " reader, honouring cutover.flags every " + SyntheticApp.FLAG_POLL.toMillis() + " ms");

    TemporalOptions options = new TemporalOptions();
    options.address = stack.temporalAddress();
    options.namespace = "default";
    MigrationStatus end;
    SnapshotDifference.Result difference = null;
    try (Temporal t = options.connect()) {
      StartCommand.start(t.client(), rb, STARTER);
      say("started migration " + rb.name() + " as " + STARTER + "; " + APPROVER + " approves every gate");
      Migrations migrations = new Migrations(t);
      MigrationWorkflow workflow = t.client().newWorkflowStub(MigrationWorkflow.class, rb.name());
      Map<String, String> phaseStates = new HashMap<>();
      Set<String> autoSeen = new HashSet<>();
      Set<String> handledGates = new HashSet<>();
      int lastCycle = 0;
      long lastProgressAt = 0;
      String lastProgress = null;
      long giveUpAt = System.nanoTime() + GIVE_UP.toNanos();
      while (true) {
        MigrationStatus s = migrations.status(rb.name());
        for (Approval a : s.approvals()) {
          if (a.approver().equals("auto") && autoSeen.add(a.gate())) {
            say("gate " + a.gate() + " opened automatically (gates.auto)");
          }
        }
        for (PhaseRecord p : s.phases()) {
          if (phaseStates.putIfAbsent(p.name() + "@" + p.startedAt(), "RUNNING") == null) {
            say("phase " + p.name() + " started");
          }
        }
        if (s.progress() != null && "backfill".equals(s.phase())) {
          String p = StatusView.progress(s.progress());
          if (!p.equals(lastProgress) && System.nanoTime() - lastProgressAt > Duration.ofSeconds(1).toNanos()) {
            say(p);
            lastProgress = p;
            lastProgressAt = System.nanoTime();
          }
        }
        if (s.reconcile() != null && s.reconcile().cycle() != lastCycle) {
          lastCycle = s.reconcile().cycle();
          say(String.format(Locale.ROOT, "reconcile cycle %d: %,d rows checked, %,d mismatched, drift %.6f (clean "
              + "streak %d of %d)", lastCycle, s.reconcile().rowsChecked(), s.reconcile().mismatchedRows(),
              s.reconcile().driftRatio(), s.reconcile().cleanStreak(), rb.reconcile().cleanCycles()));
        }
        for (PhaseRecord p : s.phases()) {
          if (!p.state().equals(phaseStates.put(p.name() + "@" + p.startedAt(), p.state()))) {
            say("phase " + p.name() + " " + p.state() + " in " + StatusView.between(p.startedAt(), p.endedAt())
                + (p.summary() == null ? "" : ": " + p.summary()));
          }
        }
        if (s.ended()) {
          end = s;
          break;
        }
        if (s.pendingGate() != null && handledGates.add(s.pendingGate() + "@" + s.pendingSince())) {
          String gate = s.pendingGate();
          if (gate.equals("decommission")) {
            difference = SnapshotDifference.measure(ds, rb);
            say(String.format(Locale.ROOT, "difference check (one repeatable-read snapshot, application still "
                + "writing): %,d source rows, %,d target rows, %,d missing from the target, %,d extra in the target"
                + " -> difference = %d", difference.sourceRows(), difference.targetRows(),
                difference.missingFromTarget(), difference.extraInTarget(), difference.total()));
            if (difference.total() != 0) {
              abort(workflow, "difference = " + difference.total() + " before decommission");
              continue;
            }
          }
          String comment = comment(gate, s, difference);
          try {
            workflow.approve(new MigrationWorkflow.Approve(gate, APPROVER, comment));
            say("gate " + gate + " approved by " + APPROVER + ": \"" + comment + "\"");
          } catch (WorkflowUpdateException e) {
            say("gate " + gate + " approval refused: " + Migrations.rootMessage(e));
            abort(workflow, "the demo approver was refused at " + gate);
          }
        }
        if (System.nanoTime() > giveUpAt) {
          abort(workflow, "the demo did not finish within " + StatusView.duration(GIVE_UP));
          giveUpAt = Long.MAX_VALUE;
        }
        Thread.sleep(POLL.toMillis());
      }
    } finally {
      app.close();
    }
    say("migration " + rb.name() + " ended " + end.state() + (end.failure() == null ? "" : ": " + end.failure()));
    boolean ok = end.state() == MigrationStatus.State.COMPLETED && difference != null && difference.total() == 0;
    summary(rb, end, difference, app);
    return ok ? ExitCode.OK : ExitCode.MIGRATION_NOT_COMPLETED;
  }

  private void abort(MigrationWorkflow workflow, String reason) {
    try {
      workflow.abort(new MigrationWorkflow.Abort(APPROVER, reason));
      say("aborted by " + APPROVER + ": " + reason);
    } catch (WorkflowUpdateException e) {
      say("abort refused: " + Migrations.rootMessage(e));
    }
  }

  private static String comment(String gate, MigrationStatus s, SnapshotDifference.Result difference) {
    if (gate.equals("dual-write")) {
      return "baseline clean; install the sync trigger";
    }
    if (gate.equals("read-cutover")) {
      return "reconcile clean for " + (s.reconcile() == null ? "?" : s.reconcile().cleanStreak())
          + " cycles; canary reads on the new table";
    }
    if (gate.startsWith("read-cutover-")) {
      return "previous step soaked without errors; next read step " + gate.substring("read-cutover-".length()) + "%";
    }
    if (gate.equals("write-cutover")) {
      return "all reads on the new table; move the writes";
    }
    if (gate.equals("decommission")) {
      return "difference = " + (difference == null ? "?" : difference.total())
          + " in one snapshot; past the point of no return";
    }
    if (gate.equals("drop-legacy")) {
      return "retention over; drop the retired table";
    }
    return "demo approval";
  }

  private void summary(Runbook rb, MigrationStatus end, SnapshotDifference.Result difference, SyntheticApp app) {
    out.println();
    out.println("summary");
    line("migration", rb.name() + " " + end.state() + ", started by " + end.startedBy() + ", gates approved by "
        + APPROVER + " (backfill and reconcile automatic)");
    long copied = end.progress() == null ? 0 : end.progress().done();
    line("rows copied", String.format(Locale.ROOT, "%,d by backfill", copied));
    line("reconcile", end.reconcile() == null ? "no cycle ran" : String.format(Locale.ROOT,
        "%d cycle(s), last drift %.6f (%,d rows checked, %,d mismatched, %,d repaired)", end.reconcile().cycle(),
        end.reconcile().driftRatio(), end.reconcile().rowsChecked(), end.reconcile().mismatchedRows(),
        end.reconcile().repaired()));
    line("difference", difference == null ? "not measured (the migration ended before decommission)"
        : "= " + difference.total() + String.format(Locale.ROOT, " (%,d missing from the target, %,d extra in it;"
            + " source projected through the mapping vs target, one repeatable-read snapshot before decommission)",
            difference.missingFromTarget(), difference.extraInTarget()));
    line("application", String.format(Locale.ROOT, "%,d inserts, %,d updates, %,d deletes, %,d key changes,"
        + " %,d reads from customers, %,d reads from customers_v2, %,d errors, %,d deadlocks retried",
        app.count(SyntheticApp.Kind.INSERT), app.count(SyntheticApp.Kind.UPDATE), app.count(SyntheticApp.Kind.DELETE),
        app.count(SyntheticApp.Kind.KEY_CHANGE), app.count(SyntheticApp.Kind.READ_LEGACY),
        app.count(SyntheticApp.Kind.READ_NEW), app.errors(), app.retried()));
    for (String e : app.errorSamples()) {
      line("", "error: " + e);
    }
    line("elapsed", StatusView.duration(Duration.ofNanos(System.nanoTime() - t0)));
    line("history", "cutover history " + rb.name() + "   (or --json for Temporal's own history)");
    if (!keepRunning) {
      line("", "run `cutover demo --keep-running` to keep Temporal, PostgreSQL and the worker up for a second"
          + " terminal");
    }
    out.flush();
  }

  private void line(String label, String text) {
    out.println(String.format(Locale.ROOT, "  %-12s %s", label, text));
  }

  private synchronized void say(String message) {
    double s = (System.nanoTime() - t0) / 1e9;
    out.println(String.format(Locale.ROOT, "[%6.1fs] %s", s, message));
    out.flush();
  }

  /** Demo speed: soaks, intervals and retention of seconds instead of minutes and days. */
  static Runbook demoSpeed(Runbook rb) {
    Runbook fast = new Runbook(rb.name(), rb.source(), rb.target(), rb.mapping(), rb.reverse(), rb.dualWrite(),
        rb.backfill(),
        new Runbook.Reconcile(rb.reconcile().chunkRows(), rb.reconcile().maxDriftRatio(), 2, "1s"),
        new Runbook.ReadCutover(rb.readCutover().steps(), "2s"),
        rb.gates(),
        new Runbook.Decommission("5s", "3s"),
        rb.rollback());
    List<Problem> problems = RunbookValidator.validate(fast);
    if (!problems.isEmpty()) {
      throw new CliFailure(ExitCode.INVALID_INPUT, "the demo-speed runbook does not validate: " + problems);
    }
    return fast;
  }

  private static String overrides(Runbook from, Runbook to) {
    List<String> out = new ArrayList<>();
    out.add("readCutover.soak " + from.readCutover().soak() + " -> " + to.readCutover().soak());
    out.add("reconcile.interval " + from.reconcile().interval() + " -> " + to.reconcile().interval());
    out.add("reconcile.cleanCycles " + from.reconcile().cleanCycles() + " -> " + to.reconcile().cleanCycles());
    out.add("decommission.quiet " + from.decommission().quiet() + " -> " + to.decommission().quiet());
    out.add("decommission.retain " + from.decommission().retain() + " -> " + to.decommission().retain());
    return String.join(", ", out);
  }

  /** --runbook, else the example under the working directory, CUTOVER_HOME (the launcher's) or the jar's checkout. */
  private Path findRunbook() {
    if (runbook != null) {
      return runbook;
    }
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of(RUNBOOK));
    String home = System.getenv("CUTOVER_HOME");
    if (home != null && !home.isBlank()) {
      candidates.add(Path.of(home, RUNBOOK));
    }
    try {
      Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // starter-cli/target/cutover.jar -> the checkout
      if (jar.getParent() != null && jar.getParent().getParent() != null
          && jar.getParent().getParent().getParent() != null) {
        candidates.add(jar.getParent().getParent().getParent().resolve(RUNBOOK));
      }
    } catch (URISyntaxException | RuntimeException e) {
      // not run from a jar on disk; the other places will do
    }
    for (Path p : candidates) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new CliFailure(ExitCode.INVALID_INPUT, "cannot find " + RUNBOOK + " (looked in "
        + candidates.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElse("") + "); pass --runbook");
  }
}
