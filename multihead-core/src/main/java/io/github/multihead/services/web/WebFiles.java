package io.github.multihead.services.web;

import io.github.multihead.exec.Content;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.internal.config.SecretText;
import io.github.multihead.internal.text.Resources;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Controller;
import io.github.multihead.spec.Secret;
import io.github.multihead.spec.Service;
import io.github.multihead.spec.WebService;
import io.github.multihead.spec.WebUser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The files the web front needs on a node, and the names and numbers they are made from. */
final class WebFiles {
  static final String SITE = "/etc/nginx/conf.d/multihead.conf";
  static final String DEFAULT_SITE = "/etc/nginx/sites-enabled/default";
  static final String CERT_DIR = "/etc/ssl/multihead";
  static final String CERT = CERT_DIR + "/web.crt";
  /** The private key: 0600 root (the nginx master process reads it as root). */
  static final String KEY = CERT_DIR + "/web.key";
  /** Hashed passwords of {@code web.users}: 0640 root:www-data (nginx workers run as www-data). */
  static final String HTPASSWD = "/etc/nginx/multihead.htpasswd";
  static final String LIB = "/usr/local/lib/multihead";
  /** The CGI script fcgiwrap runs as www-data (python3). */
  static final String GATEWAY = LIB + "/token-gateway";
  /**
   * The root-owned helper www-data may run through sudo (python3): issues a token for a listed web
   * user, runs one REST request as the user a valid token names, or pings slurmrestd.
   */
  static final String TOKEN_HELPER = LIB + "/slurm-token";
  static final String SUDOERS = "/etc/sudoers.d/multihead-web";
  static final String WWW = "/var/lib/multihead/www";
  static final String FCGI_SOCKET = "/run/fcgiwrap.socket";
  /**
   * The gateway's HS256 signing key: {@code web.jwt_secret}'s bytes, 0600 root:root on every web
   * node. Only the root helper reads it.
   */
  static final String JWT_KEY = "/etc/multihead/web-jwt.key";
  /** How long an issued token is valid, in seconds (also the helper's cap: it accepts no longer-lived token). */
  static final int TOKEN_LIFESPAN = 3600;
  /** The largest request body {@code /api/jobs/} accepts (nginx, the CGI and the helper each enforce it). */
  static final int MAX_BODY = 1048576;
  /** Web users' uids: {@code UID_BASE + (SHA-256(name) mod UID_SPAN)}, the same on every node. */
  static final int UID_BASE = 20000;
  static final int UID_SPAN = 40000;
  static final List<String> PACKAGES = List.of("nginx", "fcgiwrap", "openssl", "sudo", "curl", "python3", "python3-jwt");

  private WebFiles() {}

  /** The name clients use: {@code web.domain}, else {@code cluster.domain}, else the VIP. */
  static String host(ClusterSpec spec) {
    return spec.web().domain().or(() -> spec.cluster().domain()).orElse(spec.network().vip());
  }

  /** True when the spec has keepalived controllers: nginx then also binds the VIP. */
  static boolean listensOnVip(ClusterSpec spec) {
    return !spec.controllersWith(Service.KEEPALIVED).isEmpty();
  }

  /**
   * The subject alternative names the shared certificate must hold, as openssl prints them
   * ({@code DNS:name}, {@code IP Address:a.b.c.d}): the domain, the VIP, every web controller's
   * host name and IP. A new web controller changes them, and the certificate is made again.
   */
  static Set<String> requiredSans(ClusterSpec spec) {
    Set<String> sans = new LinkedHashSet<>();
    String host = host(spec);
    sans.add(host.equals(spec.network().vip()) ? "IP Address:" + host : "DNS:" + host);
    sans.add("IP Address:" + spec.network().vip());
    for (Controller c : spec.controllersWith(Service.WEB)) {
      sans.add("DNS:" + c.hostname());
      sans.add("IP Address:" + c.ip());
    }
    return sans;
  }

  /** The same names as {@code openssl req -addext subjectAltName=} wants them. */
  static String sanArgument(ClusterSpec spec) {
    List<String> out = new ArrayList<>();
    for (String s : requiredSans(spec)) {
      out.add(s.startsWith("IP Address:") ? "IP:" + s.substring("IP Address:".length()) : s);
    }
    return String.join(",", out);
  }

  /** A web user's uid, from the name alone: stable when users are added or removed. */
  static int uid(String name) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      long v = ((h[0] & 0xffL) << 24) | ((h[1] & 0xffL) << 16) | ((h[2] & 0xffL) << 8) | (h[3] & 0xffL);
      return UID_BASE + (int) (v % UID_SPAN);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A user's crypt salt: 16 characters derived from the JWT secret and the name (HMAC), so the
   * hash — and the file — is the same on every run and every node, and differs between clusters.
   */
  static String salt(ClusterSpec spec, String user) {
    String d = SecretAccess.reveal(SecretText.derive(spec.web().jwtSecret(), "htpasswd-salt:" + user));
    return d.substring(0, 16).replace('-', '.').replace('_', '/');
  }

  /**
   * What the htpasswd script reads on stdin: per user three lines (name, salt, password), the
   * password a secret part.
   */
  static Content htpasswdInput(ClusterSpec spec) {
    Content.Builder b = Content.builder();
    for (WebUser u : spec.web().users()) {
      b.append(u.name() + "\n" + salt(spec, u.name()) + "\n");
      b.appendSecret(u.password());
      b.append("\n");
    }
    return b.build();
  }

  /** Every web user's password, masked by the run. */
  static List<Secret> passwords(ClusterSpec spec) {
    List<Secret> out = new ArrayList<>();
    for (WebUser u : spec.web().users()) {
      out.add(u.password());
    }
    return out;
  }

  /**
   * $1 check|apply, $2 file; stdin: name, salt, password lines. Hashes each password with SHA-512
   * crypt ({@code openssl passwd -6}, password on stdin) into a temp file; check exits 0 when the
   * file, its mode and owner are already that; apply installs it atomically. Prints no hash.
   */
  static final String HTPASSWD_SCRIPT =
      "set -eu\n"
          + "umask 077\n"
          + "tmp=$(mktemp \"$(dirname -- \"$2\")/.multihead-htpasswd.XXXXXXXX\")\n"
          + "trap 'rm -f -- \"$tmp\"' EXIT HUP INT TERM\n"
          + "while IFS= read -r name && IFS= read -r salt && IFS= read -r pw; do\n"
          + "  h=$(printf '%s\\n' \"$pw\" | openssl passwd -6 -salt \"$salt\" -stdin)\n"
          + "  printf '%s:%s\\n' \"$name\" \"$h\" >> \"$tmp\"\n"
          + "done\n"
          + "if [ \"$1\" = check ]; then\n"
          + "  [ -f \"$2\" ] && cmp -s -- \"$tmp\" \"$2\" && [ \"$(stat -c '%a %U %G' -- \"$2\")\" = '640 root www-data' ]\n"
          + "  exit\n"
          + "fi\n"
          + "chown root:www-data \"$tmp\"\n"
          + "chmod 0640 \"$tmp\"\n"
          + "mv -f -- \"$tmp\" \"$2\"\n"
          + "trap - EXIT HUP INT TERM\n";

  /**
   * $1 cert, $2 key, $3 subject CN, $4 subjectAltName. A new EC P-256 key and a self-signed
   * certificate for 10 years, made in a private temp directory next to them; the key is never on a
   * command line and leaves the node only by an exact file read (to be copied to the other web
   * nodes).
   */
  static final String GENERATE_SCRIPT =
      "set -eu\n"
          + "umask 077\n"
          + "dir=$(dirname -- \"$1\")\n"
          + "mkdir -p -- \"$dir\"\n"
          + "chmod 0755 \"$dir\"\n"
          + "tmp=$(mktemp -d \"$dir/.multihead.XXXXXXXX\")\n"
          + "trap 'rm -rf -- \"$tmp\"' EXIT HUP INT TERM\n"
          + "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days 3650 "
          + "-subj \"/CN=$3\" -addext \"subjectAltName=$4\" -keyout \"$tmp/key\" -out \"$tmp/crt\" 2>&1\n"
          + "chown root:root \"$tmp/key\" \"$tmp/crt\"\n"
          + "chmod 0600 \"$tmp/key\"\n"
          + "chmod 0644 \"$tmp/crt\"\n"
          + "mv -f -- \"$tmp/key\" \"$2\"\n"
          + "mv -f -- \"$tmp/crt\" \"$1\"\n";

  // ------------------------------------------------------------------------------------------
  // The nginx site
  // ------------------------------------------------------------------------------------------

  private static String json(String text) {
    return NginxFile.quoted(text);
  }

  /** The one nginx site of {@code node}. */
  static Content site(ClusterSpec spec, Controller node) {
    String vip = spec.network().vip();
    boolean onVip = listensOnVip(spec);
    boolean slurm = !spec.controllersWith(Service.SLURM).isEmpty();
    List<Controller> web = spec.controllersWith(Service.WEB);
    NginxFile f = new NginxFile()
        .comment("nginx site of cluster " + spec.cluster().name() + " on " + node.hostname() + " - written by multihead, do not edit.")
        .comment("Routes: /health, / and /status.json (dashboard), /api/jobs/ (Slurm REST gateway), /api/auth/ (token gateway), user services.");
    for (WebService s : spec.web().services()) {
      f.blank().open("upstream", upstreamName(s));
      for (Controller c : web) {
        f.line("server", c.ip() + ":" + s.port(), "max_fails=1", "fail_timeout=10s");
      }
      f.close();
    }
    f.blank().open("server");
    f.line("listen", node.ip() + ":80", "default_server");
    if (onVip) {
      f.line("listen", vip + ":80", "default_server");
    }
    f.line("server_name", "_");
    f.line("server_tokens", "off");
    f.line("return", "301", "https://$host$request_uri");
    f.close();

    f.blank().open("server");
    f.line("listen", node.ip() + ":443", "ssl", "default_server");
    if (onVip) {
      f.line("listen", vip + ":443", "ssl", "default_server");
    }
    f.line("server_name", host(spec));
    f.line("server_tokens", "off");
    f.line("ssl_certificate", CERT);
    f.line("ssl_certificate_key", KEY);
    f.line("ssl_protocols", "TLSv1.2", "TLSv1.3");
    f.line("ssl_session_cache", "shared:multihead:1m");
    f.line("add_header", "X-Content-Type-Options", "nosniff", "always");
    f.line("root", WWW);

    f.blank().open("location", "=", "/health");
    f.line("default_type", "application/json");
    f.line("return", "200", json("{\"status\":\"ok\",\"node\":\"" + node.hostname() + "\"}"));
    f.close();

    f.open("location", "=", "/");
    f.line("try_files", "/index.html", "=404");
    f.close();
    f.open("location", "=", "/status.json");
    f.line("add_header", "Cache-Control", "no-cache", "always");
    f.line("add_header", "X-Content-Type-Options", "nosniff", "always");
    f.line("try_files", "/status.json", "=404");
    f.close();

    gateway(f.open("location", "=", "/api/auth/health"), "health").close();
    f.open("location", "=", "/api/auth/token");
    if (spec.web().users().isEmpty()) {
      f.line("default_type", "application/json");
      f.line("return", "503", json("{\"error\":\"no web users are configured (web.users): no token can be issued\"}"));
    } else {
      f.line("auth_basic", "multihead");
      f.line("auth_basic_user_file", HTPASSWD);
      gateway(f, "token");
      f.line("fastcgi_param", "REMOTE_USER", "$remote_user");
    }
    f.close();

    if (!slurm) {
      for (String loc : List.of("/api/jobs/health", "/api/jobs/")) {
        f.open("location", loc.endsWith("/") ? "^~" : "=", loc);
        f.line("default_type", "application/json");
        f.line("return", "503", json("{\"error\":\"no controller runs slurm: the Slurm REST API is not part of this cluster\"}"));
        f.close();
      }
    } else {
      gateway(f.open("location", "=", "/api/jobs/health"), "jobs-health").close();
      f.open("location", "^~", "/api/jobs/");
      f.line("client_max_body_size", Integer.toString(MAX_BODY));
      gateway(f, "jobs");
      f.line("fastcgi_param", "GATEWAY_PATH", "$uri");
      f.line("fastcgi_read_timeout", "90s");
      f.close();
    }
    f.open("location", "^~", "/api/");
    f.line("default_type", "application/json");
    f.line("return", "404", json("{\"error\":\"no such API route\"}"));
    f.close();

    for (WebService s : spec.web().services()) {
      f.open("location", "^~", s.route());
      f.line("proxy_pass", "http://" + upstreamName(s));
      f.line("proxy_next_upstream", "error", "timeout", "http_502", "http_503", "http_504");
      f.line("proxy_connect_timeout", "2s");
      proxyHeaders(f);
      f.close();
    }
    f.open("location", "/");
    f.line("try_files", "$uri", "=404");
    f.close();
    f.close();
    return Content.of(f.render());
  }

  static String upstreamName(WebService s) {
    return "multihead_service_" + s.name().replace('-', '_');
  }

  private static NginxFile gateway(NginxFile f, String mode) {
    return f.line("include", "fastcgi_params")
        .line("fastcgi_param", "SCRIPT_FILENAME", GATEWAY)
        .line("fastcgi_param", "GATEWAY_MODE", mode)
        .line("fastcgi_pass", "unix:" + FCGI_SOCKET);
  }

  private static void proxyHeaders(NginxFile f) {
    f.line("proxy_set_header", "Host", "$host");
    f.line("proxy_set_header", "X-Forwarded-For", "$proxy_add_x_forwarded_for");
    f.line("proxy_set_header", "X-Forwarded-Proto", "https");
  }

  // ------------------------------------------------------------------------------------------
  // The gateway: token issuer and Slurm REST front (no slurmrestd daemon, no auth/jwt in Slurm)
  // ------------------------------------------------------------------------------------------

  /** The CGI script (python3, as www-data under fcgiwrap). It holds no secret: it asks the root helper. */
  static Content gatewayScript(ClusterSpec spec) {
    return Content.of(Resources.text(WebFiles.class, "token-gateway.py")
        .replace("@HELPER@", TOKEN_HELPER)
        .replace("@USER_COUNT@", Integer.toString(spec.web().users().size()))
        .replace("@MAX_BODY@", Integer.toString(MAX_BODY)));
  }

  /**
   * The root helper (python3 with PyJWT): {@code token NAME} (a configured web user only), {@code
   * rest} (an envelope on stdin, token verified, slurmrestd run as the token's user) or {@code ping}.
   */
  static Content tokenHelper(ClusterSpec spec) {
    StringBuilder users = new StringBuilder();
    for (WebUser u : spec.web().users()) {
      users.append('"').append(u.name()).append("\", ");
    }
    return Content.of(Resources.text(WebFiles.class, "slurm-token.py")
        .replace("@SUDOERS@", SUDOERS)
        .replace("@KEY@", JWT_KEY)
        .replace("@USERS@", users.toString().strip())
        .replace("@LIFESPAN@", Integer.toString(TOKEN_LIFESPAN))
        .replace("@MAX_BODY@", Integer.toString(MAX_BODY)));
  }

  /** The gateway's sudo rule: www-data may run the helper in its modes, with these arguments only. */
  static Content sudoers(ClusterSpec spec) {
    StringBuilder s = new StringBuilder("# Written by multihead: the web gateway (www-data, under fcgiwrap) may run one\n"
        + "# root-owned helper in its modes, nothing else: a token for a configured web user, a REST\n"
        + "# request (envelope on stdin, token verified by the helper), a ping.\n");
    List<String> commands = new ArrayList<>();
    for (WebUser u : spec.web().users()) {
      commands.add(TOKEN_HELPER + " token " + u.name());
    }
    commands.add(TOKEN_HELPER + " rest");
    commands.add(TOKEN_HELPER + " ping");
    s.append("www-data ALL=(root) NOPASSWD: ").append(String.join(", \\\n    ", commands)).append('\n');
    return Content.of(s.toString());
  }

  /** The signing key file: {@code web.jwt_secret}'s bytes as they are (like Slurm's jwt_hs256.key), a secret part. */
  static Content jwtKey(ClusterSpec spec) {
    return Content.secret(spec.web().jwtSecret());
  }

  /**
   * $1 mount point of the shared volume, $2 user: {@code $1/users/$2}, 0700 owned by the user
   * ({@code $1/users} 0755 root). Refuses when the volume is not mounted there (it would create the
   * directory on the node's own disk, under the mount point).
   */
  static final String USER_DIR_SCRIPT =
      "set -eu\n"
          + "mountpoint -q -- \"$1\" || { echo \"$1 is not a mount point: deploy phase 1 (glusterfs) first\" >&2; exit 3; }\n"
          + "[ -d \"$1/users\" ] || install -d -m 0755 -o root -g root -- \"$1/users\"\n"
          + "install -d -m 0700 -o \"$2\" -g \"$2\" -- \"$1/users/$2\"\n";

  /** $1 mount point, $2 user: exits 0 when the volume is mounted and the user's directory is right. */
  static final String USER_DIR_TEST =
      "mountpoint -q -- \"$1\" && [ \"$(stat -c '%a %U %G' -- \"$1/users/$2\" 2>/dev/null)\" = \"700 $2 $2\" ]";

  /** A web user's directory on the shared volume (jobs write their output there). */
  static String userDirectory(ClusterSpec spec, String user) {
    return spec.gluster().mountPoint() + "/users/" + user;
  }

  /** The systemd unit of a user service with a {@code command}. */
  static Content serviceUnit(ClusterSpec spec, WebService s) {
    return Content.of("# Written by multihead for web.services '" + s.name() + "' of cluster " + spec.cluster().name() + ".\n"
        + "[Unit]\n"
        + "Description=" + s.name() + " (a multihead web service, behind " + s.route() + ")\n"
        + "After=network-online.target\n"
        + "\n"
        + "[Service]\n"
        + "ExecStart=" + s.command().orElseThrow() + "\n"
        + "DynamicUser=yes\n"
        + "Restart=on-failure\n"
        + "RestartSec=2\n"
        + "\n"
        + "[Install]\n"
        + "WantedBy=multi-user.target\n");
  }

  static String unitPath(String unit) {
    return "/etc/systemd/system/" + unit + ".service";
  }
}
