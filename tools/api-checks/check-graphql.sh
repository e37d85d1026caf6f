#!/usr/bin/env bash
# Lints a GraphQL schema (SDL) with graphql-schema-linter: every type, field, argument and enum
# value described, Relay connections and PageInfo per spec, no unused types.
# Usage: check-graphql.sh <schema.graphql>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
schema="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$here"
npx --no-install graphql-schema-linter --config-directory checks --format text "$schema"
echo "check-graphql: ok"
