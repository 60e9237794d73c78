package io.github.multihead.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's Java snippet is the compiled one in {@link ReadmeExample}, line for line. */
class ReadmeSnippetTest {
  @Test
  void readmeShowsTheCompiledExample() throws Exception {
    List<String> source = Files.readAllLines(Path.of("src/main/java/io/github/multihead/examples/ReadmeExample.java"));
    int begin = source.indexOf("    // README:begin");
    int end = source.indexOf("    // README:end");
    assertTrue(begin > 0 && end > begin, "markers missing");
    String snippet = source.subList(begin + 1, end).stream().map(l -> l.startsWith("    ") ? l.substring(4) : l)
        .collect(Collectors.joining("\n"));
    String readme = Files.readString(Path.of("../README.md"));
    assertTrue(readme.contains("```java\n" + snippet + "\n```"), "README's snippet differs from ReadmeExample:\n" + snippet);
  }

  /** The Maven coordinates the README gives to copy are this build's. */
  @Test
  void readmeCoordinatesAreThisBuilds() throws Exception {
    Matcher parent = Pattern.compile("<groupId>([^<]+)</groupId>\\s*<artifactId>multihead-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(Path.of("../pom.xml")));
    assertTrue(parent.find(), "parent coordinates not found in ../pom.xml");
    String dependency = "<dependency>\n  <groupId>" + parent.group(1) + "</groupId>\n  <artifactId>multihead-ssh</artifactId>\n  <version>"
        + parent.group(2) + "</version>\n</dependency>";
    assertTrue(Files.readString(Path.of("../README.md")).contains("```xml\n" + dependency + "\n```"), "README should show:\n" + dependency);
  }
}
