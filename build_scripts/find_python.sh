#!/bin/sh
# Print the path of the first Python >= 3.12 that actually runs, else explain
# on stderr what was looked for and exit 1.
#
# Why "actually runs": pyenv puts shims such as python3.13 on PATH that exist
# but fail ("pyenv: python3.13: command not found") unless that version is
# selected, so every candidate is executed, not just looked up.
#
# Order: python3.13, python3.12, python3.14 on PATH; then pyenv's installed
# 3.12/3.13/3.14 versions; then /usr/bin and /usr/local/bin.
# An explicit override wins: PY=/path/to/python make ...  (Makefile uses PY ?=).

check='import sys; assert sys.version_info >= (3, 12)'
looked=""

try() {
    looked="$looked
  $1"
    if "$1" -c "$check" >/dev/null 2>&1; then
        # Resolve to the real interpreter (not a shim) so the venv is stable.
        real=$("$1" -c 'import sys; print(sys.executable)' 2>/dev/null)
        if [ -n "$real" ] && [ -x "$real" ]; then
            printf '%s\n' "$real"
        else
            printf '%s\n' "$1"
        fi
        exit 0
    fi
}

for name in python3.13 python3.12 python3.14; do
    p=$(command -v "$name" 2>/dev/null) || p=""
    if [ -n "$p" ]; then
        try "$p"
    else
        looked="$looked
  $name (not on PATH)"
    fi
done

if command -v pyenv >/dev/null 2>&1; then
    proot=$(pyenv root 2>/dev/null)
else
    proot=${PYENV_ROOT:-$HOME/.pyenv}
fi
for p in "$proot"/versions/3.13*/bin/python3 "$proot"/versions/3.12*/bin/python3 \
         "$proot"/versions/3.14*/bin/python3; do
    [ -e "$p" ] && try "$p"
done
looked="$looked
  $proot/versions/3.1[234]*/bin/python3"

for p in /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.14 \
         /usr/local/bin/python3.13 /usr/local/bin/python3.12 /usr/local/bin/python3.14; do
    if [ -e "$p" ]; then
        try "$p"
    else
        looked="$looked
  $p (missing)"
    fi
done

cat >&2 <<MSG
find_python.sh: no working Python >= 3.12 found (pyodide-build 0.39.2 needs it).
Looked for:$looked
Install one, for example:
  apt-get install python3.13 python3.13-venv    (Debian 13 / Ubuntu 24.04+; Debian 12 has no 3.12+ package)
  pyenv install 3.13 && pyenv global 3.13 system
or point the Makefile at one:  make PY=/path/to/python3.12 ...
MSG
exit 1
