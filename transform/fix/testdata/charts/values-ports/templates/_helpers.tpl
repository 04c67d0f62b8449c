{{- define "values-ports.podMetadata" -}}
{{- if .Values.podAnnotations }}
annotations: {{- tpl (toYaml .Values.podAnnotations) . | nindent 2 }}
{{- end }}
labels:
  app: {{ .Chart.Name }}
{{- end -}}
