#!/usr/bin/env bash
# The run step of action.yml. The action's inputs arrive as INPUT_* environment variables (action.yml says why never
# as ${{ inputs.* }} in the script) and the client credentials as SCALEKIT_CLIENT_ID / SCALEKIT_CLIENT_SECRET, which
# the CLI reads itself: passed as a flag, the secret would show in process lists. The script builds the
# `scalekit-conformance run` command line, runs it, writes the step's outputs to $GITHUB_OUTPUT and exits with the
# CLI's exit code. No `set -e`: a failing run is a result, and the outputs are written whatever it is.
set -uo pipefail

action_path=${GITHUB_ACTION_PATH:?run this script as a step of action.yml, which sets GITHUB_ACTION_PATH}

# The CLI the install step of action.yml prepared: the action's own checkout.
cli="$action_path/bin/scalekit-conformance.js"

# Report paths are absolute, so the outputs mean the same in any later step, whatever its working directory.
report_dir=${INPUT_REPORT_DIR:-conformance-reports}
report_dir=${report_dir%/}
[[ $report_dir == /* ]] || report_dir="$PWD/$report_dir"

# A shard's reports and artifact carry its K-of-N, so the jobs of a matrix do not overwrite each other's. A malformed
# shard still makes a file name; the CLI then refuses the shard itself (exit 2).
shard_suffix=''
if [[ -n ${INPUT_SHARD:-} ]]; then
  shard_suffix="-${INPUT_SHARD//\//-of-}"
  shard_suffix=${shard_suffix//[^A-Za-z0-9._-]/-}
fi
report_json="$report_dir/report$shard_suffix.json"
report_junit="$report_dir/report$shard_suffix.xml"
report_html="$report_dir/report$shard_suffix.html"
report_markdown="$report_dir/report$shard_suffix.md"
# Named after the report folder, so two uses of the action in one job can upload side by side.
artifact_name=$(basename "$report_dir")
artifact_name="${artifact_name//[^A-Za-z0-9._-]/-}$shard_suffix"

# Step outputs, written once the exit code is known; values are single-line, so `name=value` lines suffice.
write_outputs() {
  local exit_code=$1 verdict=$2
  {
    echo "exit-code=$exit_code"
    echo "verdict=$verdict"
    echo "report-json=$report_json"
    echo "report-junit=$report_junit"
    echo "report-html=$report_html"
    echo "report-markdown=$report_markdown"
    echo "artifact-name=$artifact_name"
  } >>"${GITHUB_OUTPUT:-/dev/stdout}"
}

# A workflow command's message: %, CR and LF encoded, so the text cannot end the command or start another.
annotation_data() {
  local text=${1//'%'/%25}
  text=${text//$'\r'/%0D}
  printf '%s' "${text//$'\n'/%0A}"
}

args=(run --target "${INPUT_TARGET:-}"
  --report-json "$report_json" --report-junit "$report_junit"
  --report-html "$report_html" --report-markdown "$report_markdown")

# Rule globs, comma- or whitespace-separated, one flag each. `read` splits them without expanding ALG-* as a glob
# (its status is 1 at the end of the text, which is expected).
IFS=$', \t\n' read -r -d '' -a only_globs <<<"${INPUT_ONLY:-}"
for glob in "${only_globs[@]}"; do args+=(--only "$glob"); done
IFS=$', \t\n' read -r -d '' -a exclude_globs <<<"${INPUT_EXCLUDE:-}"
for glob in "${exclude_globs[@]}"; do args+=(--exclude "$glob"); done

[[ -n ${INPUT_EXPECTATIONS:-} ]] && args+=(--expectations "$INPUT_EXPECTATIONS")
case ${INPUT_STRICT_EXPECTATIONS:-false} in
  true) args+=(--strict-expectations) ;;
  false | '') ;;
  *)
    echo "::error title=scalekit-conformance::strict-expectations must be 'true' or 'false', got $(annotation_data "$INPUT_STRICT_EXPECTATIONS")"
    write_outputs 2 incomplete
    exit 2
    ;;
esac
[[ -n ${INPUT_SHARD:-} ]] && args+=(--shard "$INPUT_SHARD")
[[ -n ${INPUT_SEED:-} ]] && args+=(--seed "$INPUT_SEED")
# merge-reports takes only shards that share a seed, and each job of a matrix would draw its own. The workflow run's
# ID is the same in all of them (and in a re-run of one), so a shard without a seed gets one from it, through the
# variable the CLI reads last: the seed input and a config file's "seed" still win.
if [[ -n ${INPUT_SHARD:-} && -z ${INPUT_SEED:-} && -z ${SCALEKIT_CONFORMANCE_SEED:-} && ${GITHUB_RUN_ID:-} =~ ^[1-9][0-9]*$ ]]; then
  export SCALEKIT_CONFORMANCE_SEED=$((GITHUB_RUN_ID % 2147483648)) # seeds go from 0 to 2^31 - 1
fi
[[ -n ${INPUT_MAX_FAILURES:-} ]] && args+=(--max-failures "$INPUT_MAX_FAILURES")
# 0 is the input's default: no flag then, so a config file's "waitForTarget" still applies.
[[ -n ${INPUT_WAIT_FOR_TARGET:-} && ${INPUT_WAIT_FOR_TARGET} != 0 ]] && args+=(--wait-for-target "$INPUT_WAIT_FOR_TARGET")

# Extra arguments, split on whitespace: no quoting, no globbing, no variables (an input is data, not shell).
IFS=$' \t\n' read -r -d '' -a extra_args <<<"${INPUT_ARGS:-}"
args+=("${extra_args[@]}")

# The CLI replaces its reports atomically, but a run stopped before it knew their paths writes none: removing the
# last run's first means a path in the outputs is this run's report or nothing.
rm -f "$report_json" "$report_junit" "$report_html" "$report_markdown"

# The CLI appends its Markdown summary to $GITHUB_STEP_SUMMARY and prints ::error/::warning annotations itself.
node "$cli" "${args[@]}"
exit_code=$?

case $exit_code in
  0) verdict=passed ;;
  1) verdict=failed ;;
  4) verdict=errored ;;
  # 2 usage, configuration or unreachable target; 3 internal error; 130 interrupted; anything else: node itself.
  *) verdict=incomplete ;;
esac

# The CLI annotates a run without a verdict itself, once it has read its flags (the incomplete JSON report then
# holds the reason); one whose command line it refused has no report: say so here.
if [[ $verdict == incomplete && ! -s $report_json ]]; then
  echo "::error title=scalekit-conformance::the run did not start (exit $exit_code): see the step's log"
fi

write_outputs "$exit_code" "$verdict"
exit "$exit_code"
