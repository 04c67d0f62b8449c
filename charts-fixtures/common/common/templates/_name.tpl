{{/*
  Names and namespace. Every helper takes either the chart context (.) or a
  dict with "dot" (the context) and an optional "suffix", so a chart with
  several workloads can name each one:
    include "common.fullname" .
    include "common.fullname" (dict "dot" . "suffix" "worker")
*/}}

{{/* common.name: the chart name (or nameOverride), plus the suffix. */}}
{{- define "common.name" -}}
{{- $dot := default . .dot -}}
{{- $base := default $dot.Chart.Name $dot.Values.nameOverride -}}
{{- if .suffix -}}
{{- printf "%s-%s" $base .suffix | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $base | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* common.fullname: the release name, then common.name. */}}
{{- define "common.fullname" -}}
{{- $dot := default . .dot -}}
{{- $name := include "common.name" (dict "dot" $dot "suffix" .suffix) -}}
{{- printf "%s-%s" $dot.Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* common.namespace: the release namespace unless the chart pins one. */}}
{{- define "common.namespace" -}}
{{- $dot := default . .dot -}}
{{- default $dot.Release.Namespace $dot.Values.namespaceOverride -}}
{{- end -}}

{{/* common.chart: chart name and version, for the helm.sh/chart label. */}}
{{- define "common.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}
