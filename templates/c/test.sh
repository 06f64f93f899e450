#!/bin/sh
# Installs build/ into a throw-away Warden data directory and checks what the tool answers.
set -eu
: "${WARDEN:=warden}"
export WARDEN_DATA_DIR="$(mktemp -d)"
trap 'rm -rf "$WARDEN_DATA_DIR"' EXIT
check() {
  if [ "$1" != "$2" ]; then echo "FAIL: expected $2, got $1" >&2; exit 1; fi
}
$WARDEN plugin install build --yes >/dev/null
check "$($WARDEN plugin call {{name}} greet '{"name":"Ada"}')" '{"message":"Hello, Ada!"}'
$WARDEN plugin config {{name}} greeting Ahoy >/dev/null
check "$($WARDEN plugin call {{name}} greet '{"name":"Ada"}')" '{"message":"Ahoy, Ada!"}'
if $WARDEN plugin call {{name}} greet '{}' 2>/dev/null; then echo "FAIL: greet without a name succeeded" >&2; exit 1; fi
echo "1 passed, 0 failed"
