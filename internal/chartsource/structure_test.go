package chartsource

import (
	"fmt"
	"strings"
	"testing"
)

// Each row is a template shape OOM writes (source: the file of
// ../shared/oom/jakarta/kubernetes that shows it, excerpted) and a walk
// over it; answers are 1-based line numbers (0: not found), an item list,
// or a block's last line.
func TestStructure(t *testing.T) {
	// log/components/log-logstash/templates/deployment.yaml:33-90
	logstash := `spec:
  template:
    metadata:
      labels:
        app: {{ include "common.name" . }}
    spec:
      initContainers:
      - command:
        - /app/ready.py
        name: {{ include "common.name" . }}-readiness
      containers:
        - name: {{ include "common.name" . }}
          resources:
{{ include "common.resources" . | indent 12 }}
          ports:
          - containerPort: {{ .Values.service.internalPort }}
            name: {{ .Values.service.name }}
          - containerPort: {{ .Values.service.internalPort2 }}
            name: {{ .Values.service.name2 }}
          readinessProbe:
            tcpSocket:
              port: {{ .Values.service.internalPort }}
      volumes:
        - name: localtime
          hostPath:
            path: /etc/localtime
        - name: {{ include "common.fullname" . }}-config
          configMap:
            name: {{ include "common.fullname" . }}
`
	// common/cassandra/templates/statefulset.yaml:129-148
	cassandra := `      - name: cassandra
        lifecycle:
          preStop:
            exec:
        {{- if not .Values.persistence.enabled }}
              command: ["/bin/sh", "-c", "exec nodetool decommission"]
        {{- else }}
              command: ["/bin/sh", "-c", "PID=$(pidof java) && kill $PID"]
        {{- end }}
        resources: {{ toYaml .Values.resources | nindent 10 }}
        ports:
        {{- range $index, $metricPort := .Values.metrics.ports }}
        - name: {{ $metricPort.name }}
          containerPort: {{ $metricPort.port }}
          protocol: TCP
        {{- end }}
        livenessProbe:
          httpGet:
`
	// the pod metadata of a chart with an optional label (the shape of
	// TestParseLinesAndBlocks in transform/fix before the walker moved here)
	optional := `spec:
  template:
    metadata:
      labels:
        app: x
{{- if .Values.extra }}
        extra: y
{{- end }}
      # trailing comment
    spec:
      ports:
      {{- range .Values.ports }}
        - port: {{ . }}
      {{- end }}
`
	// path walks from the document: a key name is a Child step (exact),
	// "~key" a Descendant step (tolerant), "[n]" an Item step; the answer
	// is the last step's line.
	path := func(ls []Line, steps ...string) int {
		b, line := Doc([2]int{0, len(ls)}), -1
		for _, s := range steps {
			switch {
			case strings.HasPrefix(s, "["):
				var n int
				fmt.Sscanf(s, "[%d]", &n)
				if line = b.Item(ls, n); line >= 0 {
					b = ItemBlock(ls, line, len(ls))
				}
			case strings.HasPrefix(s, "~"):
				if line = b.Descendant(ls, s[1:]); line >= 0 {
					b = Value(ls, line, len(ls))
				}
			default:
				if line = b.Child(ls, s); line >= 0 {
					b = Value(ls, line, len(ls))
				}
			}
			if line < 0 {
				return 0
			}
		}
		return line + 1
	}
	// end is the last line of the value of the key at the end of steps.
	end := func(ls []Line, steps ...string) int {
		i := path(ls, steps...) - 1
		if i < 0 {
			return 0
		}
		return Value(ls, i, len(ls)).End
	}
	items := func(ls []Line, steps ...string) string {
		i := path(ls, steps...) - 1
		if i < 0 {
			return "no list"
		}
		var out []string
		for _, j := range Value(ls, i, len(ls)).Items(ls) {
			out = append(out, fmt.Sprint(j+1))
		}
		return strings.Join(out, ",")
	}
	// montreal policy/components/policy-pap/templates/deployment.yaml:30-90:
	// an action at column 0 that closes an if and is followed on its line by
	// the item's next key
	pap := `spec:
  initContainers:
{{- if not .Values.x }}
{{ include "common.readinessCheck.waitFor" . | nindent 2 }}
{{- end }}
  - command:
    args:
{{ if .Values.y }}
    - a
{{ else }}
    - b
{{ end }}    env:
    - name: NAMESPACE
    name: init
  containers:
    - name: app
`
	cases := []struct {
		name, text string
		ask        func([]Line) any
		want       any
	}{
		{"a list at its key's column belongs to the key (initContainers:\\n- command:)", logstash,
			func(ls []Line) any { return end(ls, "spec", "template", "spec", "initContainers") }, 10},
		{"its items", logstash,
			func(ls []Line) any { return items(ls, "spec", "template", "spec", "initContainers") }, "8"},
		{"a key of a compact list's item", logstash,
			func(ls []Line) any { return path(ls, "spec", "template", "spec", "initContainers", "[0]", "name") }, 10},
		{"the key on the item's dash line is the item's", logstash,
			func(ls []Line) any { return path(ls, "spec", "template", "spec", "initContainers", "[0]", "command") }, 8},
		{"a list indented under its key", logstash,
			func(ls []Line) any { return items(ls, "spec", "template", "spec", "volumes") }, "24,27"},
		{"an item ends at the next one: volumes[0] writes no configMap", logstash,
			func(ls []Line) any { return path(ls, "spec", "template", "spec", "volumes", "[0]", "~configMap") }, 0},
		{"volumes[1] does", logstash,
			func(ls []Line) any { return path(ls, "spec", "template", "spec", "volumes", "[1]", "~configMap") }, 28},
		{"the second port of a compact list", logstash,
			func(ls []Line) any {
				return path(ls, "spec", "template", "spec", "containers", "[0]", "ports", "[1]", "name")
			}, 19},
		{"an include indented by `indent 12` at column 0 renders inside resources", logstash,
			func(ls []Line) any {
				return end(ls, "spec", "template", "spec", "containers", "[0]", "resources")
			}, 14},
		{"Child is exact: metadata is not spec's child", logstash,
			func(ls []Line) any { return path(ls, "spec", "metadata") }, 0},
		{"Descendant is tolerant: it is below spec", logstash,
			func(ls []Line) any { return path(ls, "~spec", "~metadata", "~app") }, 5},
		{"items rendered by a range are not literal", cassandra,
			func(ls []Line) any { return path(ls, "[0]", "ports", "[0]") }, 0},
		{"the range and its end belong to the compact list", cassandra,
			func(ls []Line) any { return end(ls, "[0]", "ports") }, 16},
		{"an if opened at a shallower column inside a block is in it", cassandra,
			func(ls []Line) any { return end(ls, "[0]", "lifecycle") }, 9},
		{"a key whose value a helper prints opens no block", cassandra,
			func(ls []Line) any { return end(ls, "[0]", "resources") }, 10},
		{"the block ends after the {{- end }} of an if opened inside, not the trailing comment", optional,
			func(ls []Line) any { return end(ls, "spec", "template", "metadata") }, 8},
		{"only the lines between range and end are in it", optional,
			func(ls []Line) any {
				return fmt.Sprintln(ls[10].InRange, ls[12].InRange, ls[12].Key, ls[12].Dash, ls[12].KeyCol)
			}, "false true port true 10\n"},
		{"a line that begins with an action ends Value's exact block ({{ end }}    env:)", pap,
			func(ls []Line) any { return Value(ls, 0, len(ls)).End }, 11},
		{"LooseValue reads it where its text renders: containers is still in spec", pap,
			func(ls []Line) any { return LooseValue(ls, 0, len(ls)).Descendant(ls, "containers") + 1 }, 15},
		{"and the item it continues ends at the next key of spec", pap,
			func(ls []Line) any { return LooseItemBlock(ls, 5, len(ls)).End }, 14},
		{"a range's items under an indented list", optional,
			func(ls []Line) any { return items(ls, "spec", "template", "spec", "ports") }, "13"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.ask(ParseTemplate(c.text)); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
