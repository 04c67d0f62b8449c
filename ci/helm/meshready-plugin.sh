#!/bin/sh
# Helm plugin entry point (plugin.yaml): runs meshready with helm's arguments.
# Helm consumes its own global flags before calling a plugin, -n/--namespace
# among them; it passes the namespace as HELM_NAMESPACE, forwarded here when
# it is not helm's "default" (meshready's own default is onap).
set -eu
bin=${MESHREADY_BIN:-}
if [ -z "$bin" ]; then
	if [ -x "${HELM_PLUGIN_DIR:-.}/bin/meshready" ]; then
		bin=$HELM_PLUGIN_DIR/bin/meshready
	elif command -v meshready >/dev/null 2>&1; then
		bin=meshready
	else
		echo "helm meshready: no meshready binary: run 'make build' in ${HELM_PLUGIN_DIR:-the plugin folder}, put meshready on PATH, or set MESHREADY_BIN" >&2
		exit 2
	fi
fi
case "${1:-}" in
lint|render|baseline)
	if [ -n "${HELM_NAMESPACE:-}" ] && [ "$HELM_NAMESPACE" != default ]; then
		cmd=$1
		shift
		exec "$bin" "$cmd" --namespace "$HELM_NAMESPACE" "$@"
	fi
	;;
esac
exec "$bin" "$@"
