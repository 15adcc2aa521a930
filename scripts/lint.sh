#!/usr/bin/env bash
# The house rules a machine can check (STYLE.md, docs/architecture.md):
# includes against the layers, raw frees outside the handle headers, the
# wall clock in library code, comments naming files we do not have.
# Run by scripts/test.sh; tests/e2e/lint_rules.sh plants each violation.
set -euo pipefail
exec python3 "$(dirname "$0")/lint.py" "${1:-$(cd "$(dirname "$0")/.." && pwd)}"
