#!/usr/bin/env python3
"""Checks a .deb's declared dependencies against what its programs need.

Every shared library the package's binaries link (as dpkg-shlibdeps reads them) must come from a
package that the declared Depends pull in, directly or through their own dependencies; the
libraries and files the app loads at run time, which no linker records, must be declared by
name; and a Secret Service (the Linux keychain) must be at least recommended, so `apt install
./x.deb` brings one (apt installs recommended packages by default). Prints what it found; exits 1 on a gap.

Usage: deb_depends.py PACKAGE.deb
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

# Loaded with dlopen or read as files, so neither the linker nor dpkg-shlibdeps sees them.
LOADED_AT_RUN_TIME = {
    "libayatana-appindicator3-1": "the tray icon (libappindicator-sys loads it at run time)",
    "ca-certificates": "the trust store every HTTPS server is checked against (/etc/ssl/certs)",
}
# Any of these serves org.freedesktop.secrets; without one the app signs in for the session only.
SECRET_SERVICES = ["gnome-keyring", "keepassxc", "kwalletmanager"]


def run(*args, cwd=None):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


def names(field):
    """Package names in a Depends-style field, each entry a list of alternatives."""
    entries = []
    for entry in filter(None, (e.strip() for e in field.split(","))):
        entries.append([re.split(r"[\s(:]", alt.strip())[0] for alt in entry.split("|")])
    return entries


def linked_packages(deb, root):
    """What dpkg-shlibdeps says the package's ELF files need."""
    run("dpkg-deb", "-x", deb, root)
    elves = [
        str(p)
        for p in Path(root).rglob("*")
        if p.is_file() and not p.is_symlink() and p.open("rb").read(4) == b"\x7fELF"
    ]
    if not elves:
        sys.exit(f"{deb} holds no program")
    # dpkg-shlibdeps reads the source package's control file from ./debian.
    work = Path(root) / "shlibdeps"
    (work / "debian").mkdir(parents=True)
    (work / "debian" / "control").write_text("Source: check\n\nPackage: check\nArchitecture: any\n")
    out = run("dpkg-shlibdeps", "-O", "--ignore-missing-info", *elves, cwd=work)
    field = re.search(r"shlibs:Depends=(.*)", out)
    return elves, names(field.group(1) if field else "")


def closure(packages):
    """Every package the given ones depend on, recursively (installed ones: this machine has
    built and run the app, so everything it needs is installed)."""
    out = run(
        "apt-cache", "depends", "--recurse", "--installed", "--no-recommends", "--no-suggests",
        "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *packages,
    )
    # Each package reached is a line of its own, unindented; its dependencies follow, indented.
    found = set()
    for line in out.splitlines():
        if line and not line[0].isspace():
            found.add(line.strip().strip("<>").split(":")[0])
    return found


def main():
    deb = sys.argv[1]
    depends = names(run("dpkg-deb", "-f", deb, "Depends"))
    recommends = names(run("dpkg-deb", "-f", deb, "Recommends"))
    declared = [alt for entry in depends for alt in entry]
    print("Depends:   ", ", ".join(" | ".join(e) for e in depends) or "(none)")
    print("Recommends:", ", ".join(" | ".join(e) for e in recommends) or "(none)")
    gaps = []
    with tempfile.TemporaryDirectory() as root:
        elves, linked = linked_packages(deb, root)
    pulled = closure(declared)
    for entry in linked:
        covered = [alt for alt in entry if alt in pulled]
        how = f"through {covered[0]}" if covered else "NOT pulled in by the Depends"
        print(f"  links {' | '.join(entry)}: {how}")
        if not covered:
            gaps.append(f"{' | '.join(entry)} (linked by {len(elves)} program(s))")
    for package, why in LOADED_AT_RUN_TIME.items():
        if package not in declared:
            gaps.append(f"{package}: {why}")
        else:
            print(f"  uses {package} at run time: declared")
    offered = {alt for entry in depends + recommends for alt in entry}
    if not offered.intersection(SECRET_SERVICES):
        gaps.append(f"a Secret Service ({' | '.join(SECRET_SERVICES)}) in Depends or Recommends")
    else:
        print(f"  a Secret Service: {', '.join(sorted(offered.intersection(SECRET_SERVICES)))}")
    if gaps:
        print("The package does not declare:", *gaps, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print("Every library the app needs comes with its declared dependencies.")


if __name__ == "__main__":
    main()
