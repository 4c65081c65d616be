#!/usr/bin/env bash
# Writes the leakbench-extra set in the layout bench/leakbench.ts reads ($LEAKBENCH_DIR):
#   <out>/cases.json, <out>/files/before/<id>.<ext> (path at parent_commit), <out>/files/after/<id>.<ext> (path at fix_commit)
# from local git mirrors. Only metadata is committed here; the files are third-party code and stay in the git-ignored
# .bench-cache.
#
#   bench/leakbench-extra/materialise.sh [out]        (default out: .bench-cache/leakbench-extra)
#   LEAKBENCH_DIR=.bench-cache/leakbench-extra npm run bench:leakbench -- --mode both
#
# MIRRORS (default /work/.mirror) holds one git repository per source repository at <owner>+<name>/repo, as the
# `fetch` tool makes them (github:<owner>/<name>), or `git clone --mirror https://github.com/<owner>/<name>`.
# Every case is checked: fix_commit^1 must be parent_commit and the path must exist at both commits.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/.bench-cache/leakbench-extra}
mirrors=${MIRRORS:-/work/.mirror}
mkdir -p "$out/files/before" "$out/files/after"
cp "$here/cases.json" "$out/cases.json"

written=0 problems=0
while IFS=$'\t' read -r id repo fix parent path; do
  git_dir="$mirrors/${repo/\//+}/repo"
  ext=${path##*.}
  if ! git --git-dir="$git_dir" rev-parse --verify -q "$fix^{commit}" >/dev/null; then
    echo "$id: no mirror of $repo with $fix in $mirrors" >&2; problems=$((problems + 1)); continue
  fi
  if [ "$(git --git-dir="$git_dir" rev-parse "$fix^1")" != "$parent" ]; then
    echo "$id: $parent is not the first parent of $fix" >&2; problems=$((problems + 1)); continue
  fi
  if git --git-dir="$git_dir" show "$parent:$path" >"$out/files/before/$id.$ext" &&
    git --git-dir="$git_dir" show "$fix:$path" >"$out/files/after/$id.$ext"; then
    written=$((written + 1))
  else
    echo "$id: $path is missing at one of its commits" >&2; problems=$((problems + 1))
  fi
done < <(node -e 'for (const c of require(process.argv[1])) console.log([c.id, c.repo, c.fix_commit, c.parent_commit, c.path].join("\t"))' "$here/cases.json")
echo "leakbench-extra: $written case(s) written to $out, $problems problem(s)"
[ "$problems" -eq 0 ]
