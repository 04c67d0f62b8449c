{{/*
  common.service: a Service whose ports come from values, as OOM does:
    service:
      type: ClusterIP
      ports:
        - name: http-api      # the port name is written here, in values.yaml
          port: 8080
          targetPort: 8080    # optional: a number or a container port name
          appProtocol: http   # optional
          protocol: UDP       # optional (TCP by default)
  Arguments: the chart context (.), or a dict with "dot", optional "suffix"
  (name and selector suffix) and optional "service" (a values block shaped
  like .Values.service, for a chart's second Service).
*/}}
{{- define "common.service" -}}
{{- $dot := default . .dot -}}
{{- $service := default $dot.Values.service .service -}}
apiVersion: v1
kind: Service
metadata: {{- include "common.resourceMetadata" (dict "dot" $dot "suffix" .suffix) | nindent 2 }}
spec:
  type: {{ default "ClusterIP" $service.type }}
  {{- if $service.headless }}
  clusterIP: None
  {{- end }}
  ports:
  {{- range $service.ports }}
    - port: {{ .port }}
      {{- if .name }}
      name: {{ .name }}
      {{- end }}
      targetPort: {{ default .port .targetPort }}
      {{- if .appProtocol }}
      appProtocol: {{ .appProtocol }}
      {{- end }}
      {{- if .protocol }}
      protocol: {{ .protocol }}
      {{- end }}
  {{- end }}
  selector: {{- include "common.matchLabels" (dict "dot" $dot "suffix" .suffix) | nindent 4 }}
{{- end -}}
