#!/usr/bin/env python3
"""Release archives of the built site for hosts without internet (intranets), with checksums and instructions.

    python build_scripts/make_dist.py [--site-dir site] [--out-dir dist] [--version V]

(``make dist`` builds the site first, then runs this.) It writes into the output folder:

* ``bdpilot-site-<version>.tar.gz`` and ``bdpilot-site-<version>.zip``: the same files, under one top folder
  ``bdpilot-site-<version>/`` holding ``site/`` (the web root: serve this folder), ``INSTALL.txt`` and
  ``server-config/nginx/bdpilot.conf`` and ``bdpilot-brotli.conf`` (the nginx snippets the hosting page
  documents);
* ``INSTALL.txt``: the same instructions beside the archives, in Chinese and English;
* ``SHA256SUMS``: checksums of the three files above, for ``sha256sum -c SHA256SUMS``.

Archives of an earlier version in the output folder are removed, so SHA256SUMS always covers what is there.

The version is ``git describe --tags --always --dirty`` (e.g. ``v1.2.0``, ``v1.2.0-3-g1a2b3c4`` or ``1a2b3c4-dirty``):
it names the exact source the archive was built from, the same one every time for the same commit, and says when
the work tree had uncommitted changes. The rule-set version plus a date would give the same content a new name
every day and two different contents the same name within a day. Outside a git checkout, the fallback is the
checker version from the site's assets/checker/manifest.json plus the date of SOURCE_DATE_EPOCH
(``<checker version>-<YYYYMMDD>``). ``--version`` overrides both.

Reproducible: the same site gives byte-identical archives. Entries are sorted, every file and folder gets the same
time (SOURCE_DATE_EPOCH when set, else the time of the last git commit, else 1980-01-01; never earlier than
1980-01-01, the zip format's first date), fixed permissions (0644 files, 0755 folders), owner and group 0 with no
names, and the gzip header carries no file name. (To make the *site* itself reproducible, build it with the same
SOURCE_DATE_EPOCH: MkDocs uses it for the dates in sitemap.xml.)

Standard library only. Exit status 0 on success, 1 with a message on failure.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import hashlib
import io
import json
import os
import re
import stat
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NAME = "bdpilot-site"
NGINX_SNIPPET = REPO_ROOT / "build_scripts" / "nginx" / "bdpilot.conf"
# The optional one, for an nginx with the brotli_static module (the hosting page says when to include it).
NGINX_BROTLI_SNIPPET = NGINX_SNIPPET.with_name("bdpilot-brotli.conf")
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z: the earliest time a zip entry can hold
FILE_MODE = 0o644
DIR_MODE = 0o755
# Stored rather than deflated in the zip: already compressed, deflating them again gains nothing.
STORED_SUFFIXES = {".gz", ".br", ".zip", ".whl", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2"}
# What a complete build has; a site without these would not work once deployed.
REQUIRED = ["index.html", "en/index.html", "404.html", "assets/checker/manifest.json"]


class DistError(Exception):
    """The archives cannot be made; the message says why and what to do."""


@dataclass
class Dist:
    version: str
    mtime: int
    tar_gz: Path
    zip: Path
    install: Path
    sums: Path


# ------------------------------------------------------------------ version and time


def _git(*args: str, cwd: Path = REPO_ROOT) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def source_date_epoch(repo: Path = REPO_ROOT) -> int:
    """SOURCE_DATE_EPOCH, else the last commit's time, else 1980-01-01; never before 1980-01-01."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            return max(ZIP_EPOCH, int(value))
        except ValueError:
            raise DistError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}") from None
    committed = _git("log", "-1", "--format=%ct", cwd=repo)
    if committed and committed.isdigit():
        return max(ZIP_EPOCH, int(committed))
    return ZIP_EPOCH


def site_manifest(site_dir: Path) -> dict:
    try:
        return json.loads((site_dir / "assets" / "checker" / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def default_version(site_dir: Path, mtime: int, repo: Path = REPO_ROOT) -> str:
    described = _git("describe", "--tags", "--always", "--dirty", cwd=repo)
    if described:
        return described
    checker = site_manifest(site_dir).get("checker_version", "unknown")
    day = datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).strftime("%Y%m%d")
    return f"{checker}-{day}"


def clean_version(version: str) -> str:
    """Only characters that are safe in a file name on every system."""
    cleaned = re.sub(r"[^A-Za-z0-9._+-]+", "-", version.strip()).strip("-.")
    if not cleaned:
        raise DistError(f"unusable version {version!r}")
    return cleaned


# ------------------------------------------------------------------ contents


def check_site(site_dir: Path) -> dict:
    """Fail unless site_dir looks like a complete build; returns the checker manifest."""
    if not site_dir.is_dir():
        raise DistError(f"{site_dir} does not exist: build the site first (`make build`, or `make dist`)")
    missing = [name for name in REQUIRED if not (site_dir / name).is_file()]
    manifest = site_manifest(site_dir)
    if manifest:
        runtime = site_dir / "assets" / "pyodide" / str(manifest.get("pyodide_version", "?"))
        for name in ("pyodide.mjs", "pyodide.asm.wasm"):
            if not (runtime / name).is_file():
                missing.append(str((runtime / name).relative_to(site_dir)))
        wheel = manifest.get("wheel")
        if not wheel or not (site_dir / "assets" / "checker" / wheel).is_file():
            missing.append(f"assets/checker/{wheel or '<wheel>'}")
    if missing:
        raise DistError(f"{site_dir} is not a complete build (missing: {', '.join(missing)}): run `make build`")
    return manifest


def built_for(site_dir: Path) -> str:
    """The SITE_URL the site was built with (the home page's canonical link), or '' when it has none."""
    try:
        text = (site_dir / "index.html").read_text("utf-8", errors="replace")
    except OSError:
        return ""
    match = re.search(r'<link rel="canonical" href="([^"]+)"', text)
    return match.group(1) if match else ""


def site_entries(site_dir: Path) -> list[tuple[str, Path | None]]:
    """(relative POSIX path, file path or None for a folder), folders before their contents, sorted by path."""
    entries: list[tuple[tuple[str, ...], Path | None]] = []
    for path in site_dir.rglob("*"):
        parts = path.relative_to(site_dir).parts
        if path.is_dir():
            entries.append((parts, None))
        elif path.is_file():
            entries.append((parts, path))
        # anything else (a socket, a dangling link) is not part of a site
    entries.sort(key=lambda e: e[0])
    return [("/".join(parts), path) for parts, path in entries]


def archive_members(site_dir: Path, top: str, install_text: str) -> list[tuple[str, bytes | None]]:
    """Every entry of the archive in order: (name, content or None for a folder)."""
    members: list[tuple[str, bytes | None]] = [
        (f"{top}/", None),
        (f"{top}/INSTALL.txt", install_text.encode("utf-8")),
        (f"{top}/server-config/", None),
        (f"{top}/server-config/nginx/", None),
        (f"{top}/server-config/nginx/bdpilot-brotli.conf", NGINX_BROTLI_SNIPPET.read_bytes()),
        (f"{top}/server-config/nginx/bdpilot.conf", NGINX_SNIPPET.read_bytes()),
        (f"{top}/site/", None),
    ]
    for rel, path in site_entries(site_dir):
        if path is None:
            members.append((f"{top}/site/{rel}/", None))
        else:
            members.append((f"{top}/site/{rel}", path.read_bytes()))
    return members


def write_tar_gz(target: Path, members: list[tuple[str, bytes | None]], mtime: int) -> None:
    with open(target, "wb") as raw:
        # filename="" and a fixed mtime: nothing in the gzip header depends on where or when it was made.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=mtime, compresslevel=9) as gz:
            with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
                for name, data in members:
                    info = tarfile.TarInfo(name.rstrip("/"))
                    info.mtime = mtime
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    if data is None:
                        info.type = tarfile.DIRTYPE
                        info.mode = DIR_MODE
                        tar.addfile(info)
                    else:
                        info.mode = FILE_MODE
                        info.size = len(data)
                        tar.addfile(info, io.BytesIO(data))


def write_zip(target: Path, members: list[tuple[str, bytes | None]], mtime: int) -> None:
    date_time = datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).timetuple()[:6]
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.create_system = 3  # Unix, so the permissions below are used when unpacking
            if data is None:
                info.external_attr = ((stat.S_IFDIR | DIR_MODE) << 16) | 0x10  # 0x10: MS-DOS directory flag
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, b"")
            else:
                info.external_attr = (stat.S_IFREG | FILE_MODE) << 16
                stored = Path(name).suffix.lower() in STORED_SUFFIXES
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=None if stored else 9)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------ INSTALL.txt


def install_text(version: str, mtime: int, manifest: dict, site_url: str, site_dir: Path) -> str:
    """INSTALL.txt, from its template (build_scripts/templates/release/INSTALL.txt.j2) and the build's own facts."""
    import jinja2

    pyodide = manifest.get("pyodide_version", "?")
    match = re.match(r"^[a-z]+://[^/]+(/.*)?$", site_url or "")
    wasm = site_dir / "assets" / "pyodide" / pyodide / "pyodide.asm.wasm"
    data = wasm.read_bytes() if wasm.is_file() else b""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(REPO_ROOT / "build_scripts" / "templates" / "release")),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    return env.get_template("INSTALL.txt.j2").render(
        top=f"{NAME}-{version}", version=version,
        date=datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).strftime("%Y-%m-%d"),
        pyodide=pyodide, checker=manifest.get("checker_version", "?"),
        rulesets=", ".join(f"{call}: {rs}" for call, rs in sorted(manifest.get("rulesets", {}).items())) or "?",
        url=site_url or "?", path=match.group(1) if match and match.group(1) else "/",
        # The runtime's size as served, and with gzip (level 6, as servers use): measured, never written down.
        wasm_mb=f"{len(data) / 1e6:.1f}", wasm_gz_mb=f"{len(gzip.compress(data, 6)) / 1e6:.1f}")


# ------------------------------------------------------------------ main


def _replace(target: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written file."""
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def make_dist(site_dir: Path, out_dir: Path, version: str | None = None, mtime: int | None = None) -> Dist:
    site_dir = Path(site_dir).resolve()
    out_dir = Path(out_dir)
    manifest = check_site(site_dir)
    mtime = source_date_epoch() if mtime is None else max(ZIP_EPOCH, int(mtime))
    version = clean_version(version if version else default_version(site_dir, mtime))
    top = f"{NAME}-{version}"
    text = install_text(version, mtime, manifest, built_for(site_dir), site_dir)
    members = archive_members(site_dir, top, text)

    out_dir.mkdir(parents=True, exist_ok=True)
    dist = Dist(version, mtime, out_dir / f"{top}.tar.gz", out_dir / f"{top}.zip", out_dir / "INSTALL.txt",
                out_dir / "SHA256SUMS")
    for old in [*out_dir.glob(f"{NAME}-*.tar.gz"), *out_dir.glob(f"{NAME}-*.zip")]:
        if old not in (dist.tar_gz, dist.zip):
            old.unlink()
    _replace(dist.tar_gz, lambda p: write_tar_gz(p, members, mtime))
    _replace(dist.zip, lambda p: write_zip(p, members, mtime))
    _replace(dist.install, lambda p: p.write_bytes(text.encode("utf-8")))
    sums = "".join(f"{sha256_file(p)}  {p.name}\n" for p in sorted((dist.tar_gz, dist.zip, dist.install)))
    _replace(dist.sums, lambda p: p.write_bytes(sums.encode("ascii")))
    return dist


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=REPO_ROOT / "site", help="the built site (default: site/)")
    parser.add_argument("--out-dir", type=Path, default=REPO_ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--version", help="version in the names (default: git describe --tags --always --dirty)")
    args = parser.parse_args(argv)
    try:
        dist = make_dist(args.site_dir, args.out_dir, version=args.version)
    except (DistError, OSError) as exc:
        print(f"make_dist: {exc}", file=sys.stderr)
        return 1
    when = datetime.datetime.fromtimestamp(dist.mtime, datetime.timezone.utc).isoformat()
    print(f"make_dist: version {dist.version}, file times {when}")
    for path in (dist.tar_gz, dist.zip, dist.install, dist.sums):
        print(f"  {path} ({path.stat().st_size:,} bytes)")
    print(f"make_dist: check with: (cd {args.out_dir} && sha256sum -c SHA256SUMS)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
