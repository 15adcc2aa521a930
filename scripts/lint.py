#!/usr/bin/env python3
"""The house rules a machine can check (STYLE.md, docs/architecture.md).

Usage: scripts/lint.py [ROOT]   (default: the repository this file is in)

Fails (exit 1, one line per finding) on:
  - an include against the layers (docs/architecture.md's table and the
    ladder of rooms inside ca/core);
  - a raw free of an OpenSSL, PKCS#11, SQLite or libpq handle outside its
    handle header;
  - a read of the wall clock in library code (ca/core, ca/service) on a
    line not marked `// lint: clock`;
  - a comment that names a file the repository does not have.
"""
import os
import re
import sys

SOURCE_EXT = (".cpp", ".h", ".c")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

# Who may include whom, by top-level area (docs/architecture.md).
ALLOWED = {
    "ca/core": {"ca/core"},
    "ca/service": {"ca/core", "ca/service"},
    "ca/cli": {"ca/core", "ca/service", "ca/cli", "cli_support"},
    "agent": {"ca/core", "agent", "cli_support"},
    "pam": {"ca/core", "pam"},
    "cli_support": {"ca/core", "cli_support"},
}
# The ladder inside the core: a room includes rooms on its rung or below.
CORE_RUNG = {"common": 1, "wire": 2, "keys": 3, "ssh": 4, "x509": 4, "jose": 5, "kms": 5}

# Raw frees and their one allowed home each (STYLE.md).
RAW_FREE = re.compile(
    r"\b(OPENSSL_free|OPENSSL_clear_free|BN_free|BN_clear_free|EVP_PKEY_free|EVP_PKEY_CTX_free|"
    r"EVP_MD_CTX_free|BIO_free|BIO_free_all|X509_free|X509_REQ_free|X509_CRL_free|EC_KEY_free|"
    r"ECDSA_SIG_free|OSSL_PARAM_free|SSL_free|SSL_CTX_free|sqlite3_finalize|sqlite3_close|"
    r"sqlite3_close_v2|PQclear|PQfinish|C_CloseSession|C_Finalize|C_Logout|C_FindObjectsFinal|"
    r"p11_kit_uri_free|p11_kit_module_release|curl_easy_cleanup)\s*\(")
HANDLE_HOMES = {
    "ca/core/common/ossl.h",
    "ca/core/kms/pkcs11/pkcs11_handles.h",
    "ca/core/kms/pkcs11/pkcs11_handles.cpp",
    "ca/service/store/sqlite/sqlite_handles.h",
    "ca/service/provisioners/idp_http_get.cpp",
    "ca/service/store/postgres/postgres_handles.h",
}
WALL_CLOCK = re.compile(
    r"(\bstd::time\s*\(|[^.\w]time\s*\(\s*(nullptr|NULL|0)\s*\)|system_clock::now\s*\(|"
    r"\bgettimeofday\s*\(|clock_gettime\s*\(\s*CLOCK_REALTIME)")
CLOCK_MARK = "lint: clock"

# File names inside comments: a path-like word with one of these endings.
FILE_WORD = re.compile(r"(?<![\w./-])([\w./-]*\w\.(?:md|h|cpp|sh|py))(?![\w/])")


def area(path):
    parts = path.split("/")
    if parts[0] == "ca" and len(parts) > 2 and parts[1] in ("core", "service", "cli"):
        return "ca/" + parts[1]
    return parts[0]


def core_room(path):
    parts = path.split("/")
    return parts[2] if len(parts) > 3 and parts[:2] == ["ca", "core"] else None


def repo_files(root):
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(".") and x not in ("node_modules",)
                   and not x.startswith("build")]
        for f in files:
            out.append(os.path.relpath(os.path.join(d, f), root))
    return out


def comments(path, text):
    """(line number, comment text) of each comment line."""
    c_like = path.endswith(SOURCE_EXT)
    for i, line in enumerate(text.split("\n"), 1):
        if c_like:
            j = line.find("//")
            if j >= 0 and line[:j].count('"') % 2 == 0:
                yield i, line[j + 2:]
            elif line.lstrip().startswith(("/*", "*")):
                yield i, line
        else:
            s = line.lstrip()
            if s.startswith("#") and not s.startswith("#!"):
                yield i, s[1:]


def check_includes(path, text, findings):
    me = area(path)
    if me not in ALLOWED:
        return
    for m in INCLUDE.finditer(text):
        inc = m.group(1)
        line = text.count("\n", 0, m.start()) + 1
        if area(inc) not in ALLOWED[me]:
            findings.append(f"{path}:{line}: layer: {me} may not include {inc}")
            continue
        mine, theirs = core_room(path), core_room(inc)
        if mine and theirs and CORE_RUNG.get(theirs, 0) > CORE_RUNG.get(mine, 0):
            findings.append(f"{path}:{line}: core ladder: ca/core/{mine} may not include {inc}")


def check_frees(path, text, findings):
    if path in HANDLE_HOMES or path.startswith("tests/"):
        return
    for i, line in enumerate(text.split("\n"), 1):
        code = line.split("//")[0]
        m = RAW_FREE.search(code)
        if m:
            findings.append(f"{path}:{i}: raw {m.group(1)} outside its handle header (STYLE.md)")


def check_clock(path, text, findings):
    if area(path) not in ("ca/core", "ca/service"):
        return
    for i, line in enumerate(text.split("\n"), 1):
        code = line.split("//")[0]
        if WALL_CLOCK.search(code) and CLOCK_MARK not in line:
            findings.append(f"{path}:{i}: reads the wall clock in library code (pass `now` in)")


_SYSTEM_HEADERS = None


def system_header(word):
    """A header of the system or a library (sysexits.h, p11-kit/pkcs11.h)."""
    global _SYSTEM_HEADERS
    if _SYSTEM_HEADERS is None:
        _SYSTEM_HEADERS = set()
        for d, _, files in os.walk("/usr/include"):
            rel = os.path.relpath(d, "/usr/include")
            for f in files:
                _SYSTEM_HEADERS.add(f)
                _SYSTEM_HEADERS.add(os.path.normpath(os.path.join(rel, f)))
    return word.endswith(".h") and word in _SYSTEM_HEADERS


def check_comment_files(path, text, names, findings):
    here = os.path.dirname(path)
    for i, comment in comments(path, text):
        for m in FILE_WORD.finditer(comment):
            word = m.group(1).rstrip(".")
            if word.startswith(("http", "/", "~")) or "*" in word:
                continue
            base = os.path.basename(word)
            known = (word in names["paths"] or os.path.normpath(os.path.join(here, word)) in names["paths"]
                     or ("/" not in word and base in names["bases"])
                     or any(p.endswith("/" + word) for p in names["paths"]) or system_header(word))
            if not known:
                findings.append(f"{path}:{i}: comment names {word}, which the repository does not have")


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    files = repo_files(root)
    names = {"paths": set(files), "bases": {os.path.basename(f) for f in files}}
    findings = []
    for path in sorted(files):
        checked = path.endswith(SOURCE_EXT) or path.endswith(".sh") or os.path.basename(path) == "CMakeLists.txt"
        if not checked:
            continue
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        if path.endswith(SOURCE_EXT):
            check_includes(path, text, findings)
            check_frees(path, text, findings)
            check_clock(path, text, findings)
        check_comment_files(path, text, names, findings)
    for f in findings:
        print(f)
    if findings:
        print(f"lint: {len(findings)} finding(s)")
        return 1
    print("lint: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
