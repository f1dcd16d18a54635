#!/usr/bin/env python3
"""After a load run: every publish the server answered 201 is there, with the right bytes.

For each "name version digest" line of created.txt (what mixed.lua recorded from the 201
answers), rebuilds the exact bytes the script sent (the base component with the custom section
"wreg-load" = "t<thread>-<n>"), and checks, from the client side:
  - the digest in the 201 answer is the SHA-256 of those bytes;
  - the package document lists that version with that digest, not yanked;
  - GET /api/v1/blobs/<digest> returns exactly those bytes.
Stored releases whose 201 never reached the script (wrk stops mid-request when its time is up)
are counted, not failed.

usage: verify.py PORT BASE_COMPONENT CREATED_FILE
Prints one summary line; exit status 1 when anything is missing or different.
"""
import concurrent.futures
import hashlib
import http.client
import json
import re
import sys
import threading


def main():
    port, base_path, created_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    base = open(base_path, "rb").read()
    local = threading.local()

    def get(path):
        # One keep-alive connection per worker thread.
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local.connection.request("GET", path)
        response = local.connection.getresponse()
        return response.status, response.read()

    problems = []
    created = {}  # name -> {version: digest}
    lines = [line.split() for line in open(created_path) if line.strip()]

    def check(line):
        name, version, digest = line
        writer = re.fullmatch(r"load:writer(\d+)", name)
        serial = re.fullmatch(r"1\.0\.(\d+)", version)
        if not writer or not serial:
            return name, version, None, [f"unexpected 201 for {name}@{version}"]
        tag = f"t{writer.group(1)}-{serial.group(1)}".encode()
        payload = bytes([len(b"wreg-load")]) + b"wreg-load" + tag
        body = base + b"\0" + bytes([len(payload)]) + payload
        expected = "sha256:" + hashlib.sha256(body).hexdigest()
        found = []
        if digest != expected:
            found.append(f"{name}@{version}: answered {digest}, the bytes sent hash to {expected}")
        status, blob = get("/api/v1/blobs/" + expected)
        if status != 200 or blob != body:
            found.append(f"{name}@{version}: blob {expected} answered {status}, "
                         f"{len(blob)} bytes, {'same' if blob == body else 'different'} bytes")
        return name, version, expected, found

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        for name, version, expected, found in pool.map(check, lines):
            problems.extend(found)
            if expected:
                created.setdefault(name, {})[version] = expected

    unanswered = 0
    for name, versions in sorted(created.items()):
        status, text = get("/api/v1/packages/" + name.replace(":", "/"))
        if status != 200:
            problems.append(f"{name}: package document answered {status}")
            continue
        listed = {v["version"]: v for v in json.loads(text)["versions"]}
        for version, digest in versions.items():
            entry = listed.get(version)
            if entry is None:
                problems.append(f"{name}@{version}: answered 201 but not in the package document")
            elif entry["digest"] != digest or entry["yanked"]:
                problems.append(f"{name}@{version}: the document says {entry['digest']}, "
                                f"yanked={entry['yanked']}; the 201 said {digest}")
        unanswered += len(set(listed) - set(versions))

    print(f"verified {len(lines)} publishes answered 201 in {len(created)} packages: "
          f"{len(problems)} problems; {unanswered} stored releases whose answer the run cut off")
    for problem in problems[:20]:
        print("  " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
