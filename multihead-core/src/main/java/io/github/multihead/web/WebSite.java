package io.github.multihead.web;

import java.util.List;
import java.util.Objects;

/**
 * What a service serves over HTTP on each of its nodes, as its home declares it
 * ({@code ManagedService.webSite}): the host name its certificate is issued for, the CA file on the
 * nodes that verifies it, its routes and what each must answer, and whether the VIP serves them too.
 *
 * @param host the name clients use (and the certificate must name): a DNS name or an IPv4 address
 * @param caFile the certificate (or CA) on every node that verifies the served certificate
 * @param routes every route, in the order reports list them; not empty
 * @param onVip true when the VIP serves the same routes
 */
public record WebSite(String host, String caFile, List<WebRoute> routes, boolean onVip) {
  public WebSite {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(caFile, "caFile");
    routes = List.copyOf(routes);
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("a web site needs at least one route");
    }
  }
}
