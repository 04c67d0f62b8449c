{{- define "tiny.d" -}}from-defs{{- end -}}
