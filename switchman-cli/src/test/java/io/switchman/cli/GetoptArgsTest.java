/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command line as Getopt::Long (default configuration, as switchman 1.16 calls it) reads it,
 * rewritten to the canonical form; and what the options end up as.
 */
class GetoptArgsTest {

  private static List<String> canonical(boolean posix, String... args) throws Exception {
    return new GetoptArgs(SwitchmanCli.OPTIONS, posix).parse(args).canonical();
  }

  private static List<String> canonical(String... args) throws Exception {
    return canonical(false, args);
  }

  private static SwitchmanCli parse(String... args) throws Exception {
    return SwitchmanCli.parse(args, false);
  }

  @Test
  void longOptionsTakeOneOrTwoDashesAndAnEqualsSign() throws Exception {
    for (String[] form :
        List.of(
            new String[] {"--config", "/c"},
            new String[] {"-config", "/c"},
            new String[] {"--config=/c"},
            new String[] {"-config=/c"},
            new String[] {"-c", "/c"},
            new String[] {"--c", "/c"},
            new String[] {"-c=/c"},
            new String[] {"+config", "/c"})) {
      assertThat(parse(form).config).as(String.join(" ", form)).isEqualTo("/c");
    }
    assertThat(parse("-group", "g1", "true").group).isEqualTo("g1");
    assertThat(parse("-lockname", "zz", "true").lockname).isEqualTo("zz");
  }

  @Test
  void namesAreCaseInsensitiveAndValuesAreNot() throws Exception {
    SwitchmanCli o = parse("--LockName", "ZZ", "-G", "Web", "--CONFIG", "/C", "true");
    assertThat(o.lockname).isEqualTo("ZZ");
    assertThat(o.group).isEqualTo("Web");
    assertThat(o.config).isEqualTo("/C");
  }

  @Test
  void uniquePrefixesAbbreviate() throws Exception {
    assertThat(parse("--conf", "/c", "true").config).isEqualTo("/c");
    assertThat(parse("--lockn", "zz", "true").lockname).isEqualTo("zz");
    assertThat(parse("--gr", "g", "true").group).isEqualTo("g");
    assertThat(parse("--le", "R=1:2", "true").leases).containsExactly("R=1:2");
    assertThat(parse("--lock", "true").lock).isTrue();
    assertThat(canonical("--busy", "3", "true")).startsWith("--busy-exit-code=3");
  }

  @Test
  void ambiguousPrefixIsRefusedNamingTheCandidates() {
    assertThatThrownBy(() -> canonical("--lo", "x", "true"))
        .isInstanceOf(GetoptArgs.UsageException.class)
        .hasMessage("Ambiguous option '--lo': it abbreviates --lock, --lockname");
    assertThatThrownBy(() -> canonical("-l", "x", "true"))
        .hasMessageContaining("Ambiguous option '-l'")
        .hasMessageContaining("--lease");
  }

  @Test
  void negationsOfLock() throws Exception {
    for (String no : List.of("--no-lock", "--nolock", "-nolock", "--NoLock", "--no", "--nol")) {
      assertThat(parse(no, "--lease", "R=1:2", "true").lock).as(no).isFalse();
    }
    assertThat(parse("--no-lock", "--lock", "true").lock).isTrue();
  }

  @Test
  void optionsAfterTheCommandAreOptionsUntilDoubleDash() throws Exception {
    SwitchmanCli o = parse("echo", "hi", "--lockname", "zz");
    assertThat(o.lockname).isEqualTo("zz");
    assertThat(o.command).containsExactly("echo", "hi");

    o = parse("--lockname", "a", "--", "echo", "--lockname", "zz");
    assertThat(o.lockname).isEqualTo("a");
    assertThat(o.command).containsExactly("echo", "--lockname", "zz");

    o = parse("cat", "-", "--lockname", "x");
    assertThat(o.command).containsExactly("cat", "-");
  }

  @Test
  void theCommandsOwnOptionsNeedDoubleDashAsInSwitchman116() {
    // Getopt::Long permutes: "-c" of "sh -c ..." is switchman's --config, "-la" is no option
    assertThatThrownBy(() -> canonical("ls", "-la"))
        .isInstanceOf(GetoptArgs.UsageException.class)
        .hasMessage("Unknown option: '-la'");
    assertThatThrownBy(() -> canonical("--frobnicate", "true"))
        .hasMessage("Unknown option: '--frobnicate'");
  }

  @Test
  void singleLettersDoNotBundle() {
    // without Getopt::Long's bundling, -cX is an option named "cx"
    assertThatThrownBy(() -> canonical("-c/etc/x.conf", "true"))
        .hasMessage("Unknown option: '-c/etc/x.conf'");
  }

  @Test
  void aValueIsTheNextArgumentWhateverItIs() throws Exception {
    assertThat(parse("--lockname", "-x", "true").lockname).isEqualTo("-x");
    assertThat(parse("--lockname", "--", "true").lockname).isEqualTo("--");
    assertThatThrownBy(() -> canonical("true", "--lockname"))
        .hasMessage("Option '--lockname' requires a value (--lockname NAME)");
    assertThatThrownBy(() -> canonical("--lockname=", "true"))
        .hasMessage("Option '--lockname=' requires a value (--lockname NAME)");
    assertThatThrownBy(() -> canonical("--lock=1", "true"))
        .hasMessage("Option '--lock=1' does not take a value (--lock)");
  }

  @Test
  void anOptionalValueIsTheNextArgumentOnlyIfItIsNoOptionAsPerlsColonS() throws Exception {
    // checked against perl -MGetopt::Long with 'abort:s'
    assertThat(parse("--abort", "job").abort).isEqualTo("job");
    assertThat(parse("--abort=job").abort).isEqualTo("job");
    assertThat(parse("--abort", "-").abort).isEqualTo("-");
    assertThat(parse("--pause", "job", "--abort").abort).isEmpty();
    assertThat(parse("--abort=").abort).isEmpty();
    SwitchmanCli o = parse("--pause", "job", "--abort", "--reason", "why");
    assertThat(o.abort).isEmpty();
    assertThat(o.reason).isEqualTo("why");
    assertThat(parse("--status").abort).isNull();
    assertThatThrownBy(() -> canonical("--abort", "-5")).hasMessage("Unknown option: '-5'");
    assertThat(canonical("--ab", "job", "--pa", "x", "--rea", "r", "--res", "y"))
        .containsExactly("--abort=job", "--pause=x", "--reason=r", "--resume=y", "--");
    assertThatThrownBy(() -> canonical("--re", "x"))
        .hasMessage("Ambiguous option '--re': it abbreviates --reason, --resume");
  }

  @Test
  void repeatedLeasesAndTheLastOfOtherOptions() throws Exception {
    SwitchmanCli o =
        parse("--lease", "A=1:2", "true", "--lease=B=2:4", "--lockname", "x", "--lockn", "y");
    assertThat(o.leases).containsExactly("A=1:2", "B=2:4");
    assertThat(o.lockname).isEqualTo("y");
    assertThat(o.command).containsExactly("true");
  }

  @Test
  void posixlyCorrectStopsAtTheCommandAndTakesNoAbbreviations() throws Exception {
    assertThat(canonical(true, "--lockname", "a", "echo", "--lockname", "zz"))
        .containsExactly("--lockname=a", "--", "echo", "--lockname", "zz");
    assertThatThrownBy(() -> canonical(true, "--lockn", "a", "true"))
        .hasMessage("Unknown option: '--lockn'");
  }

  @Test
  void busyExitCodeIsZeroTo255() throws Exception {
    assertThat(parse("--busy-exit-code", "3", "true").busyExitCode()).isEqualTo(3);
    assertThat(parse("true").busyExitCode()).isZero();
    assertThatThrownBy(() -> parse("--busy-exit-code", "256", "true").busyExitCode())
        .hasMessage("Invalid --busy-exit-code 256: expected 0 to 255");
    assertThatThrownBy(() -> parse("--busy-exit-code", "x", "true").busyExitCode())
        .hasMessage("Invalid --busy-exit-code x: expected 0 to 255");
  }

  @Test
  void helpVersionAndTheHiddenTrainingOption() throws Exception {
    assertThat(canonical("-h")).containsExactly("--help", "--");
    assertThat(canonical("--he")).containsExactly("--help", "--");
    assertThat(canonical("-V")).containsExactly("--version", "--");
    assertThat(canonical("--cds-training")).containsExactly("--cds-training", "--");
    assertThatThrownBy(() -> canonical("--cds")).hasMessage("Unknown option: '--cds'");
  }
}
