#!/usr/bin/env bash
# Runs the README's code blocks marked `<!-- ci: run -->` as written, in
# order, in a scratch copy of the repository with `rinsim` on the PATH:
# sh blocks with bash, python blocks with a python3 that has pandas, r blocks
# with Rscript if it is installed. `go test` lines are left to CI's test step.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work")
mkdir -p "$work/bin"
(cd "$repo" && go build -o "$work/bin/rinsim" ./cmd/rinsim)
export PATH="$work/bin:$PATH"
cd "$work"

# Split the marked blocks into files block-NN.<language>.
awk -v dir="$work" '
  /^<!-- ci: run -->$/ { marked = 1; next }
  marked && /^```/ { lang = substr($0, 4); n++; file = sprintf("%s/block-%02d.%s", dir, n, lang); inblock = 1; marked = 0; next }
  inblock && /^```$/ { inblock = 0; close(file); next }
  inblock { print > file }
  { if ($0 != "") marked = 0 }
' README.md

python=""
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import pandas' 2>/dev/null; then python=$p; break; fi
done

count=0
for block in block-*; do
  count=$((count + 1))
  echo "== README block ${block#block-}"
  case "$block" in
    *.sh)
      sed -i 's/^go test /: skipped here, CI runs it: go test /' "$block"
      cat "$block"
      timeout 900 bash -euo pipefail "$block" >/dev/null ;;
    *.python)
      if [ -z "$python" ] && [ "${README_SKIP_PYTHON:-}" = 1 ]; then
        echo "(no python3 with pandas: $block not run)"
        continue
      fi
      if [ -z "$python" ]; then
        echo "readme: no python3 with pandas (Debian: apt-get install python3-pandas); cannot check $block" >&2
        exit 1
      fi
      timeout 300 "$python" "$block" ;;
    *.r)
      if command -v Rscript >/dev/null; then timeout 300 Rscript "$block"; else echo "(Rscript not installed: R block not run)"; fi ;;
    *) echo "readme: $block: unknown language" >&2; exit 1 ;;
  esac
done
if [ "$count" -eq 0 ]; then
  echo "readme: no block marked <!-- ci: run --> in README.md" >&2
  exit 1
fi
echo "readme: $count marked blocks ran as written"
