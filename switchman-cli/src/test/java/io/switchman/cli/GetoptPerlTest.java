/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command line as Perl's own Getopt::Long reads it with switchman 1.16's option spec ({@code
 * GetOptionsFromArray} in {@code App::Switchman::BUILDARGS}), against {@link GetoptArgs}: same
 * values, same command, errors in the same cases.
 */
class GetoptPerlTest {

  /** switchman 1.16's call, printing what it parsed. */
  private static final String PERL =
      """
      use Getopt::Long qw(GetOptionsFromArray);
      local $SIG{__WARN__} = sub {};
      my @a = @ARGV; my %o = (lock => 1); my %l;
      my $ok = GetOptionsFromArray(\\@a,
          'c|config=s' => \\$o{config}, 'g|group=s' => \\$o{group}, 'h|help' => \\$o{help},
          'lease=s' => \\%l, 'lockname=s' => \\$o{lockname}, 'v|version' => \\$o{version},
          'lock!' => \\$o{lock});
      if (!$ok) { print "error\\n"; exit 0 }
      print "ok\\n";
      print "$_=", (defined $o{$_} ? $o{$_} : ""), "\\n" for qw(config group lockname lock help version);
      print "lease=", join(",", map {"$_=$l{$_}"} sort keys %l), "\\n";
      print "cmd=", join("|", @a), "\\n";
      """;

  private static final List<List<String>> CASES =
      List.of(
          List.of("--lockname", "x", "--", "true"),
          List.of("--conf", "/c", "--lockn", "zz", "true"),
          List.of("-config", "/c", "-group", "g1", "-lockname", "yy", "--", "sh", "-c", "x"),
          List.of("--CONFIG", "/C", "--LockName", "XX", "true"),
          List.of("-G", "grp", "-C", "/c", "true"),
          List.of("--nolock", "--lease", "R=1:2", "true"),
          List.of("--no-lock", "true"),
          List.of("--no", "true"),
          List.of("--nol", "true"),
          List.of("--NoLock", "--lock", "true"),
          List.of("echo", "hi", "--lockname", "zz"),
          List.of("--lockname", "dd", "--", "echo", "--lockname", "zz"),
          List.of("--", "--lockname", "x"),
          List.of("cat", "-", "--lockname", "x"),
          List.of("--lo", "x", "true"),
          List.of("-l", "x", "true"),
          List.of("ls", "-la"),
          List.of("sh", "-c", "echo x"),
          List.of("-c/etc/x.conf", "true"),
          List.of("--lockname", "-x", "true"),
          List.of("--lockname", "--", "true"),
          List.of("--lockname=a=b", "true"),
          List.of("-c=/c", "true"),
          List.of("+lockname", "p", "true"),
          List.of("--lease", "A=1:2", "true", "--lease=B=2:4", "--lockname", "x", "--lockn", "y"),
          List.of("--gr", "g", "--le", "R=1:CPU", "--", "cmd"),
          List.of("true", "--lockname"),
          List.of("--group=", "g", "true"),
          List.of("--lock=1", "true"),
          List.of("-h"),
          List.of("--he"),
          List.of("-V"),
          List.of("--ver"));

  private static boolean perl;

  @BeforeAll
  static void perlIsThere() throws Exception {
    try {
      Process p = new ProcessBuilder("perl", "-MGetopt::Long", "-e", "1").start();
      perl = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      perl = false;
    }
  }

  private static String perl(List<String> args, boolean posixlyCorrect) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("perl", "-e", PERL, "--"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("POSIXLY_CORRECT");
    if (posixlyCorrect) {
      pb.environment().put("POSIXLY_CORRECT", "1");
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private static String ours(List<String> args, boolean posixlyCorrect) {
    SwitchmanCli o;
    try {
      o = SwitchmanCli.parse(args.toArray(String[]::new), posixlyCorrect);
    } catch (GetoptArgs.UsageException e) {
      return "error\n";
    }
    Map<String, String> leases = new TreeMap<>();
    for (String l : o.leases) {
      int eq = l.indexOf('=');
      leases.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
    }
    StringBuilder sb = new StringBuilder("ok\n");
    sb.append("config=")
        .append(o.config.equals("/etc/switchman.conf") ? "" : o.config)
        .append('\n');
    sb.append("group=").append(o.group == null ? "" : o.group).append('\n');
    sb.append("lockname=").append(o.lockname == null ? "" : o.lockname).append('\n');
    sb.append("lock=").append(o.lock ? "1" : "0").append('\n');
    sb.append("help=").append(o.help ? "1" : "").append('\n');
    sb.append("version=").append(o.version ? "1" : "").append('\n');
    List<String> ls = new ArrayList<>();
    leases.forEach((k, v) -> ls.add(k + "=" + v));
    sb.append("lease=").append(String.join(",", ls)).append('\n');
    sb.append("cmd=").append(String.join("|", o.command)).append('\n');
    return sb.toString();
  }

  @Test
  void everyFormIsReadAsPerlsGetoptLongReadsIt() throws Exception {
    assumeThat(perl).as("perl with Getopt::Long is installed").isTrue();
    for (List<String> args : CASES) {
      assertThat(ours(args, false)).as(String.join(" ", args)).isEqualTo(perl(args, false));
    }
  }

  @Test
  void posixlyCorrectIsReadAsPerlsGetoptLongReadsIt() throws Exception {
    assumeThat(perl).as("perl with Getopt::Long is installed").isTrue();
    for (List<String> args :
        List.of(
            List.of("--lockname", "a", "echo", "--lockname", "zz"),
            List.of("--lockn", "a", "true"),
            List.of("+lockname", "a", "true"),
            List.of("--no-lock", "--lease", "R=1:2", "cmd", "-x"))) {
      assertThat(ours(args, true)).as(String.join(" ", args)).isEqualTo(perl(args, true));
    }
  }
}
