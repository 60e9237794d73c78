package io.github.multihead.services.glusterfs;

import io.github.multihead.exec.CommandResult;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The processes of a started volume as {@code gluster volume status <name> --xml} reports them,
 * read with the JDK's XML parser (no DTDs, no external entities): every brick with its host, path,
 * online flag, TCP port and pid. The self-heal daemons it also lists are not bricks.
 */
final class VolumeStatus {
  /** One brick process; {@code port} is empty when it has none ("N/A", offline). */
  record Brick(String host, String path, boolean online, Optional<Integer> port, String pid) {
    /** {@code host:/path}, as in {@code gluster volume info}. */
    String name() {
      return host + ":" + path;
    }
  }

  private final String volume;
  private final List<Brick> bricks;

  private VolumeStatus(String volume, List<Brick> bricks) {
    this.volume = volume;
    this.bricks = List.copyOf(bricks);
  }

  /**
   * Parses the XML whatever the exit code: a failed status ({@code opRet} not 0, e.g. "Volume gv0
   * is not started") is unreadable with gluster's own message.
   */
  static VolumeStatus parse(String wanted, CommandResult r) {
    String text = r.stdout().strip();
    if (!text.startsWith("<")) {
      throw new IllegalArgumentException("gluster volume status exited " + r.exitCode() + " without XML"
          + (r.stderrTail().isEmpty() ? "" : ": " + r.stderrTail()));
    }
    Element root = parseXml(text).getDocumentElement();
    if (!root.getTagName().equals("cliOutput")) {
      throw new IllegalArgumentException("not a gluster cliOutput document: <" + root.getTagName() + ">");
    }
    String opRet = child(root, "opRet").orElse("?");
    if (!opRet.equals("0")) {
      throw new IllegalArgumentException("gluster volume status failed (opRet " + opRet + "): "
          + child(root, "opErrstr").filter(s -> !s.isEmpty()).orElse("no message"));
    }
    NodeList volumes = root.getElementsByTagName("volume");
    for (int i = 0; i < volumes.getLength(); i++) {
      Element v = (Element) volumes.item(i);
      if (!child(v, "volName").orElse("").equals(wanted)) {
        continue;
      }
      List<Brick> bricks = new ArrayList<>();
      for (Node n = v.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (!(n instanceof Element e) || !e.getTagName().equals("node")) {
          continue;
        }
        String path = child(e, "path").orElse("");
        if (!path.startsWith("/")) {
          continue; // "Self-heal Daemon" on "localhost" and friends
        }
        String host = child(e, "hostname").orElseThrow(() -> new IllegalArgumentException("a brick without <hostname>"));
        boolean online = child(e, "status").orElse("0").equals("1");
        Optional<Integer> port = child(e, "port").filter(p -> p.matches("[0-9]+")).map(Integer::valueOf);
        bricks.add(new Brick(host, path, online, port, child(e, "pid").orElse("")));
      }
      return new VolumeStatus(wanted, bricks);
    }
    throw new IllegalArgumentException("volume '" + wanted + "' is not in the status output");
  }

  private static Document parseXml(String text) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setExpandEntityReferences(false);
      f.setXIncludeAware(false);
      f.setNamespaceAware(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
        @Override
        public void fatalError(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException {
          throw e; // reported by the exception, not printed on stderr
        }
      });
      return b.parse(new ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalArgumentException("unreadable XML: " + e.getMessage(), e);
    }
  }

  /** The text of {@code parent}'s first direct child called {@code tag}. */
  private static Optional<String> child(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return Optional.of(e.getTextContent().strip());
      }
    }
    return Optional.empty();
  }

  String volume() {
    return volume;
  }

  List<Brick> bricks() {
    return bricks;
  }

  /** The brick called {@code host:/path}. */
  Optional<Brick> brick(String name) {
    return bricks.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return volume + " " + bricks;
  }
}
