#!/usr/bin/env bash
# Import rules (DESIGN.md §4): no cycles; domain and signing import nothing of ours; the emulator
# never imports the client, so the client is never tested only against itself.
set -euo pipefail
cd "$(dirname "$0")/.."
npx madge --circular --extensions ts --ts-config tsconfig.json src
bad=0
if grep -rnE "from '\.\./" src/domain src/signing | grep -v "from '\.\./domain/" ; then echo "domain/signing import other modules"; bad=1; fi
if grep -rnE "from '\.\./(rtc|provision|queue|runs|cli|dashboard|plan)" src/emulator; then echo "the emulator imports client-side modules"; bad=1; fi
exit $bad
