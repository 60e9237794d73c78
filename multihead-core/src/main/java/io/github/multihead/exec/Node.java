package io.github.multihead.exec;

import java.util.Objects;
import java.util.Optional;

/**
 * Where commands run: a host name, the address to reach it on, and how to log in. Build from the
 * spec with {@code Targets}, or by hand with {@link #of(String, String)}.
 */
public final class Node {
  private final String hostname;
  private final String address;
  private final String user;
  private final int port;
  private final String privateKey;

  private Node(String hostname, String address, String user, int port, String privateKey) {
    this.hostname = Objects.requireNonNull(hostname, "hostname");
    this.address = Objects.requireNonNull(address, "address");
    this.user = Objects.requireNonNull(user, "user");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    this.port = port;
    this.privateKey = privateKey;
  }

  /** A node reached as root on port 22. */
  public static Node of(String hostname, String address) {
    return new Node(hostname, address, "root", 22, null);
  }

  /** This machine. */
  public static Node local() {
    return new Node("localhost", "127.0.0.1", System.getProperty("user.name", "root"), 22, null);
  }

  public Node withUser(String user) {
    return new Node(hostname, address, user, port, privateKey);
  }

  public Node withPort(int port) {
    return new Node(hostname, address, user, port, privateKey);
  }

  public Node withPrivateKey(String path) {
    return new Node(hostname, address, user, port, path);
  }

  public String hostname() {
    return hostname;
  }

  public String address() {
    return address;
  }

  public String user() {
    return user;
  }

  public int port() {
    return port;
  }

  public Optional<String> privateKey() {
    return Optional.ofNullable(privateKey);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Node)) {
      return false;
    }
    Node n = (Node) o;
    return hostname.equals(n.hostname) && address.equals(n.address) && user.equals(n.user)
        && port == n.port && Objects.equals(privateKey, n.privateKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hostname, address, user, port, privateKey);
  }

  @Override
  public String toString() {
    return hostname;
  }
}
