/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files the packages ship, without building them: the commented {@code /etc/switchman.conf} and
 * what {@link PackageDocs} generates from the option table and the help. DebianPackageIT checks the
 * built package.
 */
class PackagedFilesTest {

  private static final Path CONF = Path.of("src/deb/etc/switchman.conf");

  @TempDir Path dir;

  @Test
  void theShippedConfigCommentsEveryKeyAndAsShippedAsksForZkhosts() throws Exception {
    String text = Files.readString(CONF);
    for (String key : CliConfig.KEYS) {
      assertThat(text).as("key %s", key).containsPattern("(?m)^  // \"" + key + "\": ");
    }
    assertThatThrownBy(() -> CliConfig.load(CONF))
        .isInstanceOf(CliConfig.ConfigException.class)
        .hasMessage(
            "Missing required key 'zkhosts' in config file "
                + CONF
                + ": give a ZooKeeper connect string such as zk1:2181");
  }

  @Test
  void theShippedConfigWithEveryKeyUncommentedIsValidAndWarnsOfNothing() throws Exception {
    Path p = dir.resolve("switchman.conf");
    Files.writeString(p, Files.readString(CONF).replaceAll("(?m)^  // (\"[a-z_]+\": )", "  $1"));
    CliConfig c = CliConfig.load(p);
    assertThat(c.zkhosts()).isEqualTo("zk1:2181,zk2:2181,zk3:2181");
    assertThat(c.prefix()).isEqualTo("/switchman");
    assertThat(c.terminationTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.sessionTimeoutMs()).isEqualTo(10000);
    assertThat(c.auth()).isEqualTo("switchman:secret");
    assertThat(c.fqdn()).isEqualTo("host1.example.com");
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void configCommentsAndTrailingCommasAreAcceptedButBrokenJsonIsStillAnError() throws Exception {
    Path ok = dir.resolve("ok.conf");
    Files.writeString(
        ok,
        "# hash\n{\n  // slash\n  \"zkhosts\": \"zk:2181\", /* block */\n"
            + "  \"prefix\": \"/p\",\n}\n");
    assertThat(CliConfig.load(ok).prefix()).isEqualTo("/p");

    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "{\"zkhosts\": \"zk:2181\" \"prefix\": \"/p\"}");
    assertThatThrownBy(() -> CliConfig.load(bad))
        .isInstanceOf(CliConfig.ConfigException.class)
        .hasMessageStartingWith("Config file " + bad + " is not valid JSON: ");
  }

  @Test
  void theBashCompletionIsSourcedNotRunAndOffersEveryVisibleOptionButNoHiddenOne() {
    String bash = PackageDocs.bashCompletion();
    assertThat(bash).doesNotStartWith("#!");
    assertThat(PackageDocs.allSpellings())
        .contains("-c", "--config", "--lock", "--no-lock", "--write-cluster-data", "--version");
    String offered = bash.replaceFirst("(?s).*compgen -W '([^']*)'.*", "$1");
    assertThat(offered.split(" ")).containsExactlyElementsOf(PackageDocs.allSpellings());
    assertThat(PackageDocs.hiddenSpellings()).containsExactly("--cds-training");
    assertThat(bash).doesNotContain("cds-training");
    assertThat(bash).endsWith("complete -F _switchman_complete -o default switchman\n");
  }

  @Test
  void theManPageSourceHasTheHelpsSynopsisTheOptionTableAndTheExitCodes() {
    String adoc = PackageDocs.manPage();
    assertThat(adoc)
        .contains("== SYNOPSIS\n\nswitchman [OPTIONS] [--] CMD [ARGS...] +\n")
        .contains("*-c*, *--config*=_PATH_::\n  JSON config file (default: /etc/switchman.conf)")
        .contains("*--[no-]lock*::")
        .contains("== EXIT STATUS")
        .contains("75     the command was stopped because the lock or a lease was lost")
        .doesNotContain("Documentation: docs/cli.md")
        .doesNotContain("cds-training");
    for (SwitchmanCli.Option o : SwitchmanCli.OPTIONS) {
      if (!o.hidden()) {
        assertThat(adoc).contains(o.description());
      }
    }
  }

  @Test
  void theChangelogHasTheDebianVersionAndADebianDate() {
    assertThat(
            PackageDocs.changelog(
                "1.2.0-SNAPSHOT", "A <a@example.com>", Instant.parse("2026-12-01T08:05:09Z")))
        .startsWith("switchman (1.2.0~SNAPSHOT) unstable; urgency=medium\n")
        .endsWith("\n -- A <a@example.com>  Tue, 01 Dec 2026 08:05:09 +0000\n");
  }
}
