package io.github.multihead.services.web;

import io.github.multihead.exec.Content;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.internal.config.SecretText;
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
  /** The CGI script fcgiwrap runs as www-data. */
  static final String GATEWAY = LIB + "/token-gateway";
  /** The root-owned helper www-data may run through sudo: issues a token for a listed web user, or pings slurmrestd. */
  static final String TOKEN_HELPER = LIB + "/slurm-token";
  static final String SUDOERS = "/etc/sudoers.d/multihead-web";
  static final String WWW = "/var/lib/multihead/www";
  static final String FCGI_SOCKET = "/run/fcgiwrap.socket";
  static final int SLURMRESTD_PORT = 6820;
  /** How long an issued token is valid, in seconds (also the helper's cap: the gateway cannot ask for more). */
  static final int TOKEN_LIFESPAN = 3600;
  /** The Slurm user the health ping's short-lived token is for (Debian's SlurmUser). */
  static final String SLURM_USER = "slurm";
  /** Web users' uids: {@code UID_BASE + (SHA-256(name) mod UID_SPAN)}, the same on every node. */
  static final int UID_BASE = 20000;
  static final int UID_SPAN = 40000;
  /** Exits 0 when this node's Slurm has the auth/jwt plugin (Debian 12's Slurm 22.05 has not). */
  static final String JWT_PLUGIN_TEST = "{ for f in /usr/lib/*/slurm-wlm/auth_jwt.so /usr/lib/slurm-wlm/auth_jwt.so "
      + "/usr/lib/*/slurm/auth_jwt.so /usr/lib64/slurm/auth_jwt.so /usr/lib/slurm/auth_jwt.so; do "
      + "[ -e \"$f\" ] && exit 0; done; exit 1; }";
  static final List<String> PACKAGES = List.of("nginx", "fcgiwrap", "openssl", "sudo", "curl");

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

  /** The slurmrestd addresses behind {@code /api/jobs/}: every Slurm controller's. */
  static List<String> slurmrestd(ClusterSpec spec) {
    List<String> out = new ArrayList<>();
    for (Controller c : spec.controllersWith(Service.SLURM)) {
      out.add(c.ip() + ":" + SLURMRESTD_PORT);
    }
    return out;
  }

  private static String json(String text) {
    return NginxFile.quoted(text);
  }

  /** The one nginx site of {@code node}. */
  static Content site(ClusterSpec spec, Controller node) {
    String vip = spec.network().vip();
    boolean onVip = listensOnVip(spec);
    List<String> restd = slurmrestd(spec);
    List<Controller> web = spec.controllersWith(Service.WEB);
    NginxFile f = new NginxFile()
        .comment("nginx site of cluster " + spec.cluster().name() + " on " + node.hostname() + " - written by multihead, do not edit.")
        .comment("Routes: /health, / and /status.json (dashboard), /api/jobs/ (slurmrestd), /api/auth/ (token gateway), user services.");
    if (!restd.isEmpty()) {
      f.blank().open("upstream", "multihead_slurmrestd");
      for (String a : restd) {
        f.line("server", a, "max_fails=1", "fail_timeout=10s");
      }
      f.close();
    }
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

    if (restd.isEmpty()) {
      for (String loc : List.of("/api/jobs/health", "/api/jobs/")) {
        f.open("location", loc.endsWith("/") ? "^~" : "=", loc);
        f.line("default_type", "application/json");
        f.line("return", "503", json("{\"error\":\"no controller runs slurm: the Slurm REST API is not part of this cluster\"}"));
        f.close();
      }
    } else {
      gateway(f.open("location", "=", "/api/jobs/health"), "jobs-health").close();
      f.open("location", "^~", "/api/jobs/");
      f.line("proxy_pass", "http://multihead_slurmrestd/");
      f.line("proxy_next_upstream", "error", "timeout", "http_502", "http_503", "http_504");
      f.line("proxy_next_upstream_tries", Integer.toString(restd.size()));
      f.line("proxy_connect_timeout", "2s");
      f.line("proxy_read_timeout", "60s");
      proxyHeaders(f);
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
  // The token gateway
  // ------------------------------------------------------------------------------------------

  /** The CGI script (www-data, under fcgiwrap). It never sees the JWT key: it asks the root helper. */
  static Content gatewayScript(ClusterSpec spec) {
    return Content.of("#!/bin/sh\n"
        + "# Slurm token gateway (a CGI under fcgiwrap, as www-data) - written by multihead, do not edit.\n"
        + "# nginx has authenticated the user (basic auth over TLS) and set REMOTE_USER. This script never\n"
        + "# reads the JWT key: one sudo rule lets it run " + TOKEN_HELPER + ", which\n"
        + "# issues tokens only for the configured web users, with a fixed lifespan.\n"
        + "reply() {\n"
        + "  printf 'Status: %s\\r\\nContent-Type: application/json\\r\\nCache-Control: no-store\\r\\n\\r\\n%s\\n' \"$1\" \"$2\"\n"
        + "  exit 0\n"
        + "}\n"
        + "case \"${GATEWAY_MODE:-}\" in\n"
        + "  health)\n"
        + "    reply '200 OK' '{\"status\":\"ok\",\"users\":" + spec.web().users().size() + "}' ;;\n"
        + "  jobs-health)\n"
        + "    ( " + JWT_PLUGIN_TEST + " ) ||\n"
        + "      reply '503 Service Unavailable' '{\"status\":\"unavailable\",\"error\":\"this Slurm has no auth/jwt plugin: no REST API tokens\"}'\n"
        + "    if sudo -n " + TOKEN_HELPER + " ping >/dev/null 2>&1; then\n"
        + "      reply '200 OK' '{\"status\":\"ok\"}'\n"
        + "    fi\n"
        + "    reply '503 Service Unavailable' '{\"status\":\"unavailable\",\"error\":\"no slurmrestd answered a ping\"}' ;;\n"
        + "  token)\n"
        + "    user=${REMOTE_USER:-}\n"
        + "    case \"$user\" in\n"
        + "      ''|[!a-z_]*|*[!a-z0-9_-]*) reply '401 Unauthorized' '{\"error\":\"not authenticated\"}' ;;\n"
        + "    esac\n"
        + "    ( " + JWT_PLUGIN_TEST + " ) ||\n"
        + "      reply '503 Service Unavailable' '{\"error\":\"this Slurm has no auth/jwt plugin: no token can be issued\"}'\n"
        + "    out=$(sudo -n " + TOKEN_HELPER + " user \"$user\" 2>/dev/null) ||\n"
        + "      reply '503 Service Unavailable' '{\"error\":\"Slurm could not issue a token\"}'\n"
        + "    token=${out#SLURM_JWT=}\n"
        + "    case \"$token\" in\n"
        + "      ''|*[!A-Za-z0-9._-]*) reply '502 Bad Gateway' '{\"error\":\"unexpected answer from scontrol token\"}' ;;\n"
        + "    esac\n"
        + "    reply '200 OK' \"{\\\"user\\\":\\\"$user\\\",\\\"token\\\":\\\"$token\\\",\\\"expires_in\\\":" + TOKEN_LIFESPAN + "}\" ;;\n"
        + "  *)\n"
        + "    reply '404 Not Found' '{\"error\":\"no such route\"}' ;;\n"
        + "esac\n");
  }

  /** The root helper: {@code user NAME} (a configured web user only) or {@code ping}. */
  static Content tokenHelper(ClusterSpec spec) {
    StringBuilder users = new StringBuilder();
    for (WebUser u : spec.web().users()) {
      users.append(users.length() == 0 ? "" : "|").append(u.name());
    }
    StringBuilder s = new StringBuilder("#!/bin/sh\n"
        + "# Issues Slurm tokens for the web gateway - written by multihead, do not edit.\n"
        + "# www-data may run this, and nothing else, as root (" + SUDOERS + ").\n"
        + "#   user NAME  prints SLURM_JWT=... for NAME, a configured web user, valid " + TOKEN_LIFESPAN + " s\n"
        + "#   ping       exits 0 when a slurmrestd answers a ping (a 60 s token for " + SLURM_USER + ",\n"
        + "#              sent on curl's stdin, never printed)\n"
        + "set -u\n"
        + "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
        + "case \"${1:-}\" in\n"
        + "  user)\n"
        + "    [ $# -eq 2 ] || exit 2\n"
        + "    case \"$2\" in\n");
    if (users.length() > 0) {
      s.append("      ").append(users).append(") ;;\n");
    }
    s.append("      *) echo \"not a web user\" >&2; exit 3 ;;\n"
        + "    esac\n"
        + "    exec scontrol token \"username=$2\" lifespan=" + TOKEN_LIFESPAN + " ;;\n"
        + "  ping)\n"
        + "    [ $# -eq 1 ] || exit 2\n");
    List<String> restd = slurmrestd(spec);
    if (restd.isEmpty()) {
      s.append("    exit 5 ;;\n");
    } else {
      s.append("    out=$(scontrol token username=" + SLURM_USER + " lifespan=60 2>/dev/null) || exit 4\n"
          + "    tok=${out#SLURM_JWT=}\n"
          + "    for addr in " + String.join(" ", restd) + "; do\n"
          + "      for path in /slurm/v0.0.40/ping /slurm/v0.0.39/ping /slurm/v0.0.38/ping /openapi/v3; do\n"
          + "        code=$(printf 'X-SLURM-USER-NAME: " + SLURM_USER + "\\nX-SLURM-USER-TOKEN: %s\\n' \"$tok\" |\n"
          + "          curl -s -o /dev/null -w '%{http_code}' --connect-timeout 1 --max-time 3 -H @- \"http://$addr$path\")\n"
          + "        [ \"$code\" = 200 ] && exit 0\n"
          + "      done\n"
          + "    done\n"
          + "    exit 5 ;;\n");
    }
    s.append("  *)\n"
        + "    exit 2 ;;\n"
        + "esac\n");
    return Content.of(s.toString());
  }

  /** The one sudo rule of the gateway. */
  static Content sudoers() {
    return Content.of("# Written by multihead: the web token gateway (www-data, under fcgiwrap) may run one\n"
        + "# root-owned helper, which issues Slurm tokens for the configured web users only.\n"
        + "www-data ALL=(root) NOPASSWD: " + TOKEN_HELPER + "\n");
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
