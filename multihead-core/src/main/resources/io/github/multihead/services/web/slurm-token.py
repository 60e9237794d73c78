#!/usr/bin/python3 -I
# Slurm REST gateway helper (root) - written by multihead, do not edit.
# www-data may run this, and nothing else, as root (@SUDOERS@), in three modes:
#   token NAME  prints a JWT (HS256; claims sun, iat, exp = iat + LIFESPAN) for NAME, a web user
#   rest        one request as a JSON envelope on stdin: checks the token (signature, expiry, sun =
#               the user header, a web user), then runs slurmrestd in inetd mode (rest_auth/local)
#               as that user, on pipes that user's own processes create
#   ping        asks slurmrestd for a ping, run as an unprivileged account
# Every answer is a CGI response (Status line, headers, body) on stdout. The signing key (KEY,
# 0600 root) is read only here; no secret is ever on a command line.
import base64
import glob
import json
import pwd
import re
import subprocess
import sys
import time

import jwt

KEY = "@KEY@"
USERS = (@USERS@)
LIFESPAN = @LIFESPAN@
MAX_BODY = @MAX_BODY@
MAX_ENVELOPE = 2 * MAX_BODY + 65536
SLURMRESTD = "/usr/sbin/slurmrestd"
PING_ACCOUNTS = ("slurmrestd", "nobody")
METHODS = ("GET", "POST", "DELETE")
PATH = re.compile(r"\A/slurm(db)?/v0\.0\.[0-9]+/[A-Za-z0-9_/.-]*\Z")
QUERY = re.compile(r"\A[A-Za-z0-9_.,:=&%+-]{0,2048}\Z")
CONTENT_TYPE = re.compile(r"\A[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(; ?[A-Za-z0-9_.-]+=[A-Za-z0-9_.-]+)*\Z")
STATUS = re.compile(r"\AHTTP/1\.[01] ([1-5][0-9][0-9])( [\x20-\x7e]*)?\Z")
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
TIMEOUT = 60


def reply(status, body, content_type="application/json"):
    if not isinstance(body, bytes):
        body = (json.dumps(body, separators=(",", ":")) + "\n").encode("utf-8")
    head = "Status: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nCache-Control: no-store\r\n\r\n" % (
        status, content_type, len(body))
    sys.stdout.buffer.write(head.encode("ascii") + body)
    sys.stdout.buffer.flush()
    sys.exit(0)


def key():
    try:
        with open(KEY, "rb") as f:
            return f.read()
    except OSError:
        reply("503 Service Unavailable", {"error": "the gateway has no signing key"})


def issue(user):
    if user not in USERS:
        reply("403 Forbidden", {"error": "not a web user"})
    now = int(time.time())
    token = jwt.encode({"sun": user, "iat": now, "exp": now + LIFESPAN}, key(), algorithm="HS256")
    if isinstance(token, bytes):
        token = token.decode("ascii")
    reply("200 OK", {"user": user, "token": token, "expires_in": LIFESPAN})


def verified(user, token):
    if not isinstance(user, str) or user not in USERS or not isinstance(token, str) or not token:
        return False
    try:
        claims = jwt.decode(token, key(), algorithms=["HS256"], options={"require": ["sun", "iat", "exp"]})
        lifespan = int(claims["exp"]) - int(claims["iat"])
    except (jwt.InvalidTokenError, TypeError, ValueError):
        return False
    return claims["sun"] == user and 0 < lifespan <= LIFESPAN


def slurmrestd(account, request):
    # The pipes must belong to the account: slurmrestd (rest_auth/local) serves only its own uid.
    command = ["runuser", "-u", account, "--", "sh", "-c", "cat | " + SLURMRESTD + " -a rest_auth/local | cat"]
    try:
        done = subprocess.run(command, input=request, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV,
                              cwd="/", timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    head, separator, rest = done.stdout.partition(b"\r\n\r\n")
    if not separator:
        return None
    lines = head.decode("latin-1").split("\r\n")
    status = STATUS.match(lines[0])
    if not status:
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length", "")
    body = rest[:int(length)] if length.isdigit() else rest
    content_type = headers.get("content-type", "application/json")
    if not CONTENT_TYPE.match(content_type):
        content_type = "application/octet-stream"
    return (status.group(1) + (status.group(2) or "")).strip(), content_type, body


def rest():
    raw = sys.stdin.buffer.read(MAX_ENVELOPE + 1)
    if len(raw) > MAX_ENVELOPE:
        reply("413 Payload Too Large", {"error": "request too large"})
    try:
        request = json.loads(raw)
    except ValueError:
        request = None
    if not isinstance(request, dict):
        reply("400 Bad Request", {"error": "not a gateway request"})
    user = request.get("user")
    if not verified(user, request.get("token")):
        reply("401 Unauthorized", {"error": "a valid token is required (headers X-SLURM-USER-NAME and X-SLURM-USER-TOKEN)"})
    method = request.get("method")
    path = request.get("path")
    query = request.get("query") or ""
    content_type = request.get("content_type") or "application/json"
    if method not in METHODS:
        reply("405 Method Not Allowed", {"error": "methods: " + ", ".join(METHODS)})
    if not isinstance(path, str) or not PATH.match(path) or "/../" in path or path.endswith("/.."):
        reply("404 Not Found", {"error": "no such API route"})
    if not isinstance(query, str) or not QUERY.match(query):
        reply("400 Bad Request", {"error": "query string not accepted"})
    if not isinstance(content_type, str) or not CONTENT_TYPE.match(content_type):
        reply("415 Unsupported Media Type", {"error": "content type not accepted"})
    try:
        body = base64.b64decode(request.get("body") or "", validate=True)
    except (ValueError, TypeError):
        reply("400 Bad Request", {"error": "not a gateway request"})
    if len(body) > MAX_BODY:
        reply("413 Payload Too Large", {"error": "request body too large"})
    target = path + ("?" + query if query else "")
    head = "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" % (method, target)
    if body or method == "POST":
        head += "Content-Type: %s\r\nContent-Length: %d\r\n" % (content_type, len(body))
    answer = slurmrestd(user, head.encode("ascii") + b"\r\n" + body)
    if answer is None:
        reply("502 Bad Gateway", {"error": "slurmrestd gave no answer"})
    reply(answer[0], answer[2], answer[1])


def versions():
    found = set()
    for pattern in ("/usr/lib/*/slurm-wlm/openapi_v0_0_*.so", "/usr/lib/slurm-wlm/openapi_v0_0_*.so",
                    "/usr/lib64/slurm/openapi_v0_0_*.so", "/usr/lib/slurm/openapi_v0_0_*.so"):
        for f in glob.glob(pattern):
            m = re.search(r"openapi_v0_0_([0-9]+)\.so\Z", f)
            if m:
                found.add(int(m.group(1)))
    return sorted(found, reverse=True) or [40, 39, 38]


def ping():
    account = None
    for name in PING_ACCOUNTS:
        try:
            pwd.getpwnam(name)
            account = name
            break
        except KeyError:
            pass
    if account is None:
        reply("503 Service Unavailable", {"status": "unavailable", "error": "no account to ping slurmrestd as"})
    for v in versions():
        request = "GET /slurm/v0.0.%d/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" % v
        answer = slurmrestd(account, request.encode("ascii"))
        if answer is not None and answer[0].startswith("200"):
            reply("200 OK", {"status": "ok", "api": "v0.0.%d" % v})
    reply("503 Service Unavailable", {"status": "unavailable", "error": "slurmrestd answered no ping"})


def main(argv):
    if len(argv) == 2 and argv[0] == "token":
        issue(argv[1])
    if argv == ["rest"]:
        rest()
    if argv == ["ping"]:
        ping()
    sys.stderr.write("usage: token NAME | rest | ping\n")
    sys.exit(2)


main(sys.argv[1:])
