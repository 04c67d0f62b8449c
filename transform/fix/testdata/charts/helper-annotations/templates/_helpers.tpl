{{- define "helper-annotations.podMetadata" -}}
annotations:
  checksum/config: {{ .Chart.Version | quote }}
labels:
  app: helper-annotations
{{- end -}}
