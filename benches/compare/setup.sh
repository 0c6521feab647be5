#!/usr/bin/env bash
# Creates the Python venv that benches/compare/cryptofeed_replay.py runs in, with
# cryptofeed 2.4.1 and the exact versions it was measured with. Idempotent: a venv that
# already imports cryptofeed 2.4.1 is left as it is (FORCE=1 rebuilds it).
#
#   benches/compare/setup.sh            # venv at ${CRYPTOFEED_VENV:-$HOME/.cache/feedhandler/cryptofeed-venv}
#   "$CRYPTOFEED_VENV/bin/python" benches/compare/cryptofeed_replay.py --help
#
# Needs python3 (>= 3.9; measured with 3.11) with venv, a C compiler and the Python headers:
# PyPI has cryptofeed 2.4.1 only as an sdist, whose setup.py cythonizes and compiles
# cryptofeed/types.pyx. That setup.py imports setuptools.command.test (removed in
# setuptools 72.0, put back in 72.1) and Cython, so the build tools are pinned and installed
# into the venv first, and cryptofeed is built against them (--no-build-isolation) instead
# of whatever setuptools/Cython are newest on the day.
set -euo pipefail

VENV="${CRYPTOFEED_VENV:-$HOME/.cache/feedhandler/cryptofeed-venv}"
PYTHON="${PYTHON:-python3}"

installed_version() {
    "$VENV/bin/python" -c 'import importlib.metadata as m, cryptofeed.types; print(m.version("cryptofeed"))' 2>/dev/null || true
}

if [[ "${FORCE:-0}" != "1" && -x "$VENV/bin/python" && "$(installed_version)" == "2.4.1" ]]; then
    echo "cryptofeed 2.4.1 already installed in $VENV"
    exit 0
fi

if [[ "${FORCE:-0}" == "1" && -d "$VENV" ]]; then
    rm -rf "$VENV"
fi

mkdir -p "$(dirname "$VENV")"
[[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"

CONSTRAINTS="$(mktemp)"
trap 'rm -f "$CONSTRAINTS"' EXIT
# The versions the figures in the notes were measured with (Python 3.11, x86_64).
cat > "$CONSTRAINTS" <<'EOF'
cryptofeed==2.4.1
setuptools==84.2.1
wheel==0.48.0
Cython==3.3.1
aiodns==4.0.4
aiofile==3.12.3
aiohappyeyeballs==2.7.1
aiohttp==3.14.5
aiosignal==1.4.0
attrs==26.1.0
caio==0.12.10
certifi==2026.10.19.post1
cffi==2.1.1
charset-normalizer==3.5.3
frozenlist==1.8.0
idna==3.20
multidict==7.2.1
order_book==0.6.1
propcache==0.5.4
pycares==5.2.1
pycparser==3.12
PyYAML==6.0.4
requests==2.34.2
typing_extensions==4.16.0
urllib3==2.8.0
uvloop==0.23.0
websockets==17.4
yapic.json==1.9.5
yarl==1.25.1
EOF

PIP=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input)
"${PIP[@]}" install -q -c "$CONSTRAINTS" setuptools wheel Cython
"${PIP[@]}" install -q -c "$CONSTRAINTS" --no-build-isolation cryptofeed==2.4.1

version="$(installed_version)"
if [[ "$version" != "2.4.1" ]]; then
    echo "error: cryptofeed did not install into $VENV" >&2
    exit 1
fi
echo "cryptofeed $version installed in $VENV"
