#!/bin/sh
# meshready pre-merge gate for Gerrit, run by the meshready-verify Jenkins job
# (Gerrit Trigger) in a checkout of the change: lint the charts the change
# affects, compare with the committed baseline, and post the review (inline
# comments on the changed lines, a vote on Verified) over Gerrit's ssh API.
#
# Environment (Gerrit Trigger sets the GERRIT_* variables):
#   GERRIT_HOST, GERRIT_PORT (default 29418), GERRIT_PATCHSET_REVISION
#   GERRIT_USER      ssh user for Gerrit (default: the ssh config's)
#   MESHREADY        the meshready binary (default: meshready on PATH)
#   MESHREADY_ARGS   extra lint flags, split on spaces, e.g.
#                    "--set global.masterPassword=x"
#   MESHREADY_ROOT   the chart tree (default: kubernetes)
#   MESHREADY_BASELINE  the baseline file (default: .meshready-baseline.json)
#
# Exit code: meshready's (0 passed, 1 new findings, 2 charts failed to render
# or usage errors), after the review is posted; 2 when nothing could be posted.
set -u

: "${GERRIT_HOST:?GERRIT_HOST is not set (Gerrit Trigger sets it)}"
: "${GERRIT_PATCHSET_REVISION:?GERRIT_PATCHSET_REVISION is not set (Gerrit Trigger sets it)}"
port=${GERRIT_PORT:-29418}
meshready=${MESHREADY:-meshready}
root=${MESHREADY_ROOT:-kubernetes}
baseline=${MESHREADY_BASELINE:-.meshready-baseline.json}

set -- lint "$root" --changed-from HEAD~1 --format gerrit --gerrit-label Verified
if [ -f "$baseline" ]; then
	set -- "$@" --baseline "$baseline"
else
	echo "verify.sh: no $baseline: every finding in the affected charts counts" >&2
fi
# shellcheck disable=SC2086 # MESHREADY_ARGS is a list of flags
"$meshready" "$@" ${MESHREADY_ARGS:-} > review.json
rc=$?

if [ ! -s review.json ]; then
	echo "verify.sh: meshready wrote no review (exit $rc); nothing posted" >&2
	[ "$rc" -ne 0 ] || rc=2
	exit "$rc"
fi

target=$GERRIT_HOST
if [ -n "${GERRIT_USER:-}" ]; then
	target=$GERRIT_USER@$GERRIT_HOST
fi
if ! ssh -p "$port" "$target" gerrit review --json "$GERRIT_PATCHSET_REVISION" < review.json; then
	echo "verify.sh: posting the review to $target:$port failed" >&2
	exit 2
fi
exit "$rc"
