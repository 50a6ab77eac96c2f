package dev.cutover.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import picocli.CommandLine;

/** Runs the cutover command in-process, capturing what it prints, as a user would see it. */
record CommandRun(String[] args, int exitCode, String out, String err) {

  static CommandRun run(String... args) {
    CommandLine cl = CutoverCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new CommandRun(args, code, out.toString(), err.toString());
  }

  /** Runs and insists on {@code exitCode}; on any other, the failure shows the arguments and both streams. */
  static CommandRun expect(int exitCode, String... args) {
    CommandRun r = run(args);
    if (r.exitCode != exitCode) {
      throw new AssertionError("cutover " + String.join(" ", args) + "\nexpected exit " + exitCode + ", got "
          + r.exitCode + "\n--- stdout ---\n" + r.out + "--- stderr ---\n" + r.err);
    }
    return r;
  }

  @Override
  public String toString() {
    return "cutover " + Arrays.toString(args) + " -> " + exitCode;
  }
}
