# Sourced by test/engines/engines.sh and .ci/run: runs stages one after another and
# totals them. A stage's counts come from its own runner's result, never from what it
# printed; a stage that crashes counts as failed and never stops the stages after it.
#
# The caller defines `run_stage NAME`, which runs stage NAME and whose runner writes
# its closing line ("N passed, N failed, N skipped") to $DOCKNET_SUMMARY_FILE (set
# for it here; summary-reporter.cjs does so), then calls `run_stages NAME...`. That prints one "== NAME: ..." line per stage and the total
# as the last line, writes the total to $DOCKNET_SUMMARY_FILE when set (so a caller's
# caller reads it the same way), and returns non-zero when anything failed.

run_stages() {
  local passed=0 failed=0 skipped=0 stage file status line note p f s errexit=
  case $- in *e*) errexit=1 ;; esac
  for stage in "$@"; do
    file=$(mktemp)
    # A subshell, so a stage that exits (a die, set -e) ends only itself; run without a
    # test around it, so set -e still holds inside.
    set +e
    (
      set -e
      export DOCKNET_SUMMARY_FILE=$file
      run_stage "$stage"
    )
    status=$?
    [ -z "$errexit" ] || set -e
    line=$(head -n 1 "$file" 2>/dev/null) || line=
    rm -f "$file"
    note=
    if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
      p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[3]}
    else
      p=0 f=1 s=0 note="no result"
    fi
    # The runner's verdict stands even when its counts say otherwise (killed after writing them, a failing exit hook).
    if [ "$status" -ne 0 ]; then
      [ "$f" -gt 0 ] || f=1
      note="${note:+$note, }exit status $status"
    fi
    echo "== $stage: $p passed, $f failed, $s skipped${note:+ ($note)}"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  done
  line="$passed passed, $failed failed, $skipped skipped"
  [ -z "${DOCKNET_SUMMARY_FILE:-}" ] || echo "$line" >"$DOCKNET_SUMMARY_FILE"
  echo "$line"
  [ "$failed" -eq 0 ]
}
