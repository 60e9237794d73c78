#!/usr/bin/python3 -I
# Slurm REST gateway (a CGI under fcgiwrap, as www-data) - written by multihead, do not edit.
# It holds no secret and cannot read the signing key: one sudo rule lets it run
# @HELPER@ (token NAME | rest | ping), which answers as a CGI. nginx has checked the
# password for /api/auth/token (basic auth over TLS) and sets REMOTE_USER; /api/jobs/ requests go to
# the helper whole, as a JSON envelope on its stdin (never on a command line).
import base64
import json
import os
import re
import subprocess
import sys

HELPER = "@HELPER@"
PREFIX = "/api/jobs"
USERS = @USER_COUNT@
MAX_BODY = @MAX_BODY@
NAME = re.compile(r"\A[a-z_][a-z0-9_-]{0,31}\Z")


def reply(status, body):
    data = (json.dumps(body, separators=(",", ":")) + "\n").encode("utf-8")
    sys.stdout.buffer.write(("Status: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                             "Cache-Control: no-store\r\n\r\n" % (status, len(data))).encode("ascii") + data)
    sys.stdout.buffer.flush()
    sys.exit(0)


def helper(args, stdin=b""):
    try:
        done = subprocess.run(["sudo", "-n", HELPER] + args, input=stdin, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=90)
    except (OSError, subprocess.TimeoutExpired):
        reply("502 Bad Gateway", {"error": "the gateway helper did not answer"})
    if done.returncode != 0 or not done.stdout.startswith(b"Status: "):
        reply("502 Bad Gateway", {"error": "the gateway helper failed"})
    sys.stdout.buffer.write(done.stdout)
    sys.stdout.buffer.flush()
    sys.exit(0)


def jobs():
    uri = os.environ.get("GATEWAY_PATH", "")
    if not uri.startswith(PREFIX + "/"):
        reply("404 Not Found", {"error": "no such API route"})
    try:
        length = int(os.environ.get("CONTENT_LENGTH") or "0")
    except ValueError:
        reply("400 Bad Request", {"error": "bad Content-Length"})
    if length < 0 or length > MAX_BODY:
        reply("413 Payload Too Large", {"error": "request body too large"})
    body = sys.stdin.buffer.read(length) if length else b""
    envelope = {
        "method": os.environ.get("REQUEST_METHOD", ""),
        "path": uri[len(PREFIX):],
        "query": os.environ.get("QUERY_STRING", ""),
        "content_type": os.environ.get("CONTENT_TYPE", ""),
        "user": os.environ.get("HTTP_X_SLURM_USER_NAME", ""),
        "token": os.environ.get("HTTP_X_SLURM_USER_TOKEN", ""),
        "body": base64.b64encode(body).decode("ascii"),
    }
    helper(["rest"], json.dumps(envelope).encode("utf-8"))


mode = os.environ.get("GATEWAY_MODE", "")
if mode == "health":
    reply("200 OK", {"status": "ok", "users": USERS})
elif mode == "jobs-health":
    helper(["ping"])
elif mode == "token":
    user = os.environ.get("REMOTE_USER", "")
    if not NAME.match(user):
        reply("401 Unauthorized", {"error": "not authenticated"})
    helper(["token", user])
elif mode == "jobs":
    jobs()
reply("404 Not Found", {"error": "no such route"})
