{{/*
  Labels and metadata blocks. Arguments as in _name.tpl ("dot", "suffix").
*/}}

{{/* common.labels: the full label set of a resource or pod. */}}
{{- define "common.labels" -}}
{{- $dot := default . .dot -}}
app.kubernetes.io/name: {{ include "common.name" (dict "dot" $dot "suffix" .suffix) }}
app.kubernetes.io/instance: {{ $dot.Release.Name }}
app.kubernetes.io/managed-by: {{ $dot.Release.Service }}
helm.sh/chart: {{ include "common.chart" $dot }}
{{- end -}}

{{/* common.matchLabels: the stable subset used by selectors. */}}
{{- define "common.matchLabels" -}}
{{- $dot := default . .dot -}}
app.kubernetes.io/name: {{ include "common.name" (dict "dot" $dot "suffix" .suffix) }}
app.kubernetes.io/instance: {{ $dot.Release.Name }}
{{- end -}}

{{/* common.resourceMetadata: name, namespace and labels of a top-level object. */}}
{{- define "common.resourceMetadata" -}}
{{- $dot := default . .dot -}}
name: {{ include "common.fullname" (dict "dot" $dot "suffix" .suffix) }}
namespace: {{ include "common.namespace" $dot }}
labels: {{- include "common.labels" (dict "dot" $dot "suffix" .suffix) | nindent 2 }}
{{- end -}}

{{/* common.selectors: a workload's spec.selector. */}}
{{- define "common.selectors" -}}
{{- $dot := default . .dot -}}
matchLabels: {{- include "common.matchLabels" (dict "dot" $dot "suffix" .suffix) | nindent 2 }}
{{- end -}}

{{/*
  common.tplValue: renders a value (string or structure) through tpl, so
  values.yaml entries may reference other values.
*/}}
{{- define "common.tplValue" -}}
{{- if typeIs "string" .value -}}
{{- tpl .value .context -}}
{{- else -}}
{{- tpl (.value | toYaml) .context -}}
{{- end -}}
{{- end -}}

{{/*
  common.templateMetadata: the metadata of a pod template. Annotations come
  from .Values.podAnnotations (or the "annotations" argument) and go
  through tpl, so values.yaml may write e.g.
    podAnnotations:
      sidecar.istio.io/inject: "{{ .Values.istioSidecar }}"
*/}}
{{- define "common.templateMetadata" -}}
{{- $dot := default . .dot -}}
{{- $annotations := default $dot.Values.podAnnotations .annotations -}}
{{- if $annotations -}}
annotations: {{- include "common.tplValue" (dict "value" $annotations "context" $dot) | nindent 2 }}
{{ end -}}
labels: {{- include "common.labels" (dict "dot" $dot "suffix" .suffix) | nindent 2 }}
{{- end -}}
