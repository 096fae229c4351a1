/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built Debian package {@code target/switchman_VERSION_all.deb} and tarball {@code
 * target/switchman-VERSION.tar.gz} (made after {@code package} by default, see the pom): their
 * metadata and tree, the man page as {@code man} renders it, the bash completion as bash runs it,
 * the extracted launcher against a real ZooKeeper, and lintian. Needs dpkg-deb, man (man-db),
 * lintian and bash: {@code .ci/run} installs what is missing.
 */
class DebianPackageIT extends CliTestSupport {

  private static final Path TARGET = Path.of("target").toAbsolutePath();
  private static final String VERSION = System.getProperty("switchman.version", "");

  /**
   * lintian tags the package may have, with the reason. Errors and warnings are never allowed; an
   * info, pedantic or experimental tag only when it is listed here. None today: lintian 2.116
   * (Debian 12) with --pedantic and --display-experimental reports nothing.
   */
  private static final Map<String, String> EXPLAINED_TAGS = Map.of();

  private static Path deb;
  private static Path root;

  @BeforeAll
  static void extract() throws Exception {
    for (String tool : List.of("dpkg-deb", "man", "lintian", "bash", "tar")) {
      assertThat(sh("command -v " + tool).code())
          .as(tool + " is needed by this test; on Debian: apt-get install dpkg man-db lintian")
          .isZero();
    }
    assertThat(VERSION).as("system property switchman.version (set by the pom)").isNotEmpty();
    deb = TARGET.resolve("switchman_" + PackageDocs.debianVersion(VERSION) + "_all.deb");
    assertThat(deb).exists();
    root = Files.createTempDirectory(TARGET, "deb-root");
    assertThat(run(List.of("dpkg-deb", "-x", deb.toString(), root.toString())).code()).isZero();
  }

  @Test
  void theControlFileNamesTheVersionAJava17RuntimeAndTheConffile() throws Exception {
    Result info = run(List.of("dpkg-deb", "--info", deb.toString()));
    assertThat(info.code()).as(info.err()).isZero();
    assertThat(info.out())
        .contains(" Package: switchman\n")
        .contains(" Version: " + PackageDocs.debianVersion(VERSION) + "\n")
        .contains(" Architecture: all\n")
        .contains(" Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless\n")
        .contains(" Section: admin\n")
        .containsPattern(" Maintainer: .+ <[^@ ]+@[^@ ]+>\n")
        .contains(" conffiles ");
    Result conffiles = run(List.of("dpkg-deb", "--info", deb.toString(), "conffiles"));
    assertThat(conffiles.out()).isEqualTo("/etc/switchman.conf\n");
  }

  @Test
  void theTreeHasTheLauncherTheJarTheConfigTheManPageTheCompletionsAndTheDocs() throws Exception {
    Result contents = run(List.of("dpkg-deb", "--contents", deb.toString()));
    assertThat(contents.code()).as(contents.err()).isZero();
    List<String> files = new ArrayList<>();
    for (String line : contents.out().split("\n")) {
      String[] f = line.trim().split("\\s+");
      assertThat(f[1]).as(line).isEqualTo("root/root");
      if (!f[0].startsWith("d")) {
        files.add(f[0] + " " + f[f.length - 1]);
      }
    }
    assertThat(files)
        .containsExactlyInAnyOrder(
            "-rwxr-xr-x ./usr/bin/switchman",
            "-rw-r--r-- ./usr/share/switchman/switchman.jar",
            "-rw-r--r-- ./etc/switchman.conf",
            "-rw-r--r-- ./usr/share/man/man1/switchman.1.gz",
            "-rw-r--r-- ./usr/share/bash-completion/completions/switchman",
            "-rw-r--r-- ./usr/share/zsh/vendor-completions/_switchman",
            "-rw-r--r-- ./usr/share/doc/switchman/copyright",
            "-rw-r--r-- ./usr/share/doc/switchman/changelog.gz");
    assertThat(root.resolve("etc/switchman.conf"))
        .hasSameTextualContentAs(Path.of("src/deb/etc/switchman.conf"));
  }

  @Test
  void theTarballHasTheSameTreeUnderOneDirectoryAndItsLauncherFindsItsJar() throws Exception {
    Path tgz = TARGET.resolve("switchman-" + VERSION + ".tar.gz");
    Result list = run(List.of("tar", "-tzvf", tgz.toString()));
    assertThat(list.code()).as(list.err()).isZero();
    TreeSet<String> inTar = new TreeSet<>();
    for (String line : list.out().split("\n")) {
      String[] f = line.trim().split("\\s+");
      inTar.add(f[0] + " ./" + f[f.length - 1].substring(("switchman-" + VERSION + "/").length()));
    }
    Result contents = run(List.of("dpkg-deb", "--contents", deb.toString()));
    TreeSet<String> inDeb = new TreeSet<>();
    for (String line : contents.out().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (!f[0].startsWith("d")) {
        inDeb.add(f[0] + " " + f[f.length - 1]);
      }
    }
    assertThat(inTar).isEqualTo(inDeb);

    Path tarRoot = Files.createTempDirectory(TARGET, "tar-root");
    assertThat(run(List.of("tar", "-xzf", tgz.toString(), "-C", tarRoot.toString())).code())
        .isZero();
    Result version =
        launcher(
            tarRoot.resolve("switchman-" + VERSION + "/usr/bin/switchman"),
            Map.of("SWITCHMAN_CDS", "off"),
            "--version");
    assertThat(version.code()).as(version.err()).isZero();
    assertThat(version.out()).isEqualTo(SwitchmanCli.VERSION + "\n");
  }

  @Test
  void manRendersTheManPageWithEveryOptionOfTheModelAndTheExitStatus() throws Exception {
    Result man =
        run(
            List.of(
                "env",
                "MANWIDTH=100",
                "man",
                "-l",
                root.resolve("usr/share/man/man1/switchman.1.gz").toString()));
    assertThat(man.code()).as(man.err()).isZero();
    assertThat(man.err()).isEmpty();
    String page = man.out().replaceAll(".\b", ""); // no overstrike (bold) when not a terminal
    assertThat(page)
        .startsWith("SWITCHMAN(1)")
        .contains("switchman - run a shell job under a distributed lock on ZooKeeper")
        .contains("switchman [OPTIONS] [--] CMD [ARGS...]\n")
        .contains("EXIT STATUS")
        .contains("75     the command was stopped because the lock or a lease was lost")
        .contains("CONFIGURATION")
        .contains("ENVIRONMENT")
        .contains("SWITCHMAN_CDS")
        .contains("switchman " + VERSION)
        .doesNotContain("cds-training");
    for (SwitchmanCli.Option o : SwitchmanCli.OPTIONS) {
      if (!o.hidden()) {
        assertThat(page).as("option %s", o.longName()).contains(o.longName().substring(2));
      }
    }
    for (String key : CliConfig.KEYS) {
      assertThat(page).as("config key %s", key).contains(key);
    }
  }

  @Test
  void theBashCompletionCompletesOptionsFilesAndTheCommand() throws Exception {
    Path script = root.resolve("usr/share/bash-completion/completions/switchman");
    Files.writeString(dir.resolve("switchman-test.conf"), "{}");
    assertThat(complete(script, "switchman", "--lo"))
        .containsExactlyInAnyOrder("--lock", "--lockname");
    assertThat(complete(script, "switchman", "--no")).containsExactly("--no-lock");
    assertThat(complete(script, "switchman", "-c", dir + "/switchman-te"))
        .containsExactly(dir + "/switchman-test.conf");
    assertThat(complete(script, "switchman", "--lockname", "x", "--", "ech")).contains("echo");
    assertThat(complete(script, "switchman", "--lease=R=1:2", "ech")).contains("echo");
    assertThat(complete(script, "switchman", "--lockname", "x", "--", "ls", "--lo"))
        .as("after the command, its own words are not switchman's options")
        .doesNotContain("--lockname");
  }

  @Test
  void theExtractedLauncherRunsAJobUnderALockAndMakesItsArchiveInTheUsersCache() throws Exception {
    Path launcher = root.resolve("usr/bin/switchman");
    Path cache = dir.resolve("cache");
    Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
    Result job =
        launcher(
            launcher,
            env,
            "-c",
            config.toString(),
            "--lockname",
            "deb",
            "--",
            "sh",
            "-c",
            "echo $SWITCHMAN_LOCKNAME > " + dir.resolve("ran"));
    assertThat(job.code()).as(job.err()).isZero();
    assertThat(read(dir.resolve("ran"))).isEqualTo("deb\n");
    // AppCDS archive (.jsa) on Java 17 to 23, AOT cache (.aot) on 24 and newer
    String ext = Runtime.version().feature() >= 24 ? ".aot" : ".jsa";
    Path archive =
        Path.of(cache + "/switchman" + root.resolve("usr/share/switchman/switchman" + ext));
    assertThat(archive).as("the cache, at the jar's path in the user's cache").isNotEmptyFile();
    assertThat(root.resolve("usr/share/switchman"))
        .as("nothing is written next to the packaged jar")
        .isDirectoryNotContaining("glob:**.{jsa,aot}");

    Result status = launcher(launcher, env, "-c", config.toString(), "--status");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("prefix " + prefix);
  }

  @Test
  void withoutAWritableCacheTheLauncherRunsWithoutAnArchive() throws Exception {
    Path notADir = dir.resolve("file");
    Files.writeString(notADir, "");
    Result job =
        launcher(
            root.resolve("usr/bin/switchman"),
            Map.of("XDG_CACHE_HOME", notADir.resolve("cache").toString()),
            "-c",
            config.toString(),
            "--lockname",
            "nocache",
            "--",
            "true");
    assertThat(job.code()).as(job.err()).isZero();
    assertThat(job.err()).isEmpty();
  }

  @Test
  void theShippedConfigAsItIsMakesSwitchmanAskForZkhosts() throws Exception {
    Result r =
        launcher(
            root.resolve("usr/bin/switchman"),
            Map.of("SWITCHMAN_CDS", "off"),
            "-c",
            root.resolve("etc/switchman.conf").toString(),
            "--",
            "true");
    assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
    assertThat(r.err()).contains("Missing required key 'zkhosts' in config file ");
  }

  @Test
  void lintianFindsNoErrorOrWarningAndEveryOtherTagIsExplained() throws Exception {
    Result lintian =
        run(
            List.of(
                "lintian",
                "--pedantic",
                "--display-info",
                "--display-experimental",
                "--info",
                deb.toString()));
    assertThat(lintian.code()).as(lintian.out() + lintian.err()).isZero();
    Matcher m = Pattern.compile("(?m)^([EWIPX]): switchman: ([a-z0-9-]+)").matcher(lintian.out());
    List<String> tags = new ArrayList<>();
    while (m.find()) {
      assertThat(m.group(1)).as(lintian.out()).isNotIn("E", "W");
      tags.add(m.group(2));
    }
    assertThat(tags).as(lintian.out()).allMatch(EXPLAINED_TAGS::containsKey);
  }

  // ---------------------------------------------------------------------------------------------

  record Result(int code, String out, String err) {}

  private Result launcher(Path launcher, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("HOME", dir.resolve("home").toString());
    pb.environment().remove("XDG_CACHE_HOME");
    pb.environment().putAll(env);
    return run(pb);
  }

  /**
   * The completions bash offers for the words (the last one being completed). The completion
   * function is called directly, not by bash's completion, so compopt (which only works inside a
   * completion) is a no-op here.
   */
  private static List<String> complete(Path script, String... words) throws Exception {
    String array =
        Stream.of(words)
            .map(w -> "'" + w.replace("'", "'\\''") + "'")
            .collect(Collectors.joining(" "));
    Result r =
        run(
            List.of(
                "bash",
                "-c",
                "compopt() { :; }; source '"
                    + script
                    + "' && COMP_WORDS=("
                    + array
                    + ") && COMP_CWORD="
                    + (words.length - 1)
                    + " && { _switchman_complete; printf '%s\\n' \"${COMPREPLY[@]}\"; }"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    return r.out().isEmpty() ? List.of() : List.of(r.out().split("\n"));
  }

  private static Result sh(String script) throws Exception {
    return run(List.of("sh", "-c", script));
  }

  private static Result run(List<String> cmd) throws Exception {
    return run(new ProcessBuilder(cmd));
  }

  private static Result run(ProcessBuilder pb) throws Exception {
    Path out = Files.createTempFile("debit", ".out");
    Path err = Files.createTempFile("debit", ".err");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(pb.command() + " still running after 120 s");
      }
      return new Result(p.exitValue(), text(out), text(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String text(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
