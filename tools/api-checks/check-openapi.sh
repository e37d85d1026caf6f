#!/usr/bin/env bash
# Checks an OpenAPI document the way client developers' tools see it:
#   redocly lint (recommended rules, redocly.yaml): no errors and no warnings;
#   openapi-typescript generates types, and checks/client.ts compiles against them with tsc --strict.
# Usage: check-openapi.sh <openapi.json>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
doc="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$here"
summary="$(mktemp)"
trap 'rm -f "$summary"' EXIT
REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_TELEMETRY=off npx --no-install redocly lint --config redocly.yaml --max-problems 200 "$doc" 2>&1 \
  | grep -v -e '^\s*$' -e 'Node.js' -e '═' -e '║' || true
npx --no-install redocly lint --config redocly.yaml --format summary "$doc" > "$summary" 2>&1 || { cat "$summary"; exit 1; }
if grep -qE '^(error|warning) |You have [0-9]+ (error|warning)' "$summary"; then
  cat "$summary"
  echo "check-openapi: redocly reported problems"; exit 1
fi
npx --no-install openapi-typescript "$doc" -o checks/nerve-api.ts >/dev/null
npx --no-install tsc -p checks/tsconfig.json
echo "check-openapi: ok"
