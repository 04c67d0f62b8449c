{{/*
  common.containerPorts: the container ports matching .Values.service.ports
  (the same list common.service prints), so a port is named once, in
  values.yaml. A port whose targetPort is a number listens there; otherwise
  on its own port number.
    ports: {{- include "common.containerPorts" . | nindent 12 }}
*/}}
{{- define "common.containerPorts" -}}
{{- $dot := default . .dot -}}
{{- $service := default $dot.Values.service .service -}}
{{- range $i, $p := $service.ports }}
{{- if $i }}{{ "\n" }}{{ end -}}
- containerPort: {{ if kindIs "string" $p.targetPort }}{{ $p.port }}{{ else }}{{ default $p.port $p.targetPort }}{{ end }}
  {{- if $p.name }}
  name: {{ $p.name }}
  {{- end }}
  {{- if $p.protocol }}
  protocol: {{ $p.protocol }}
  {{- end }}
{{- end }}
{{- end -}}
