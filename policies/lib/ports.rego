# Service ports, Istio's protocol selection, and which workloads a Service reaches.
package meshready.lib

# Protocol names Istio parses from a port name prefix or appProtocol (protocol.Parse),
# lower-cased; istio_protocol returns these, or "" when the port declares none.
istio_protocols := {
	"tcp", "udp", "grpc", "grpc-web", "http", "http_proxy", "http2",
	"https", "tls", "mongo", "redis", "mysql",
}

# Kubernetes' standard appProtocol values, which Istio maps before parsing.
k8s_app_protocols := {
	"kubernetes.io/h2c": "http2",
	"kubernetes.io/ws": "http",
	"kubernetes.io/wss": "https",
}

# Server-first ports Istio treats as TCP when the name declares nothing, since sniffing
# would wait for a client byte that never comes (SMTP, DNS, MySQL, MongoDB).
well_known_tcp_ports := {25, 53, 3306, 27017}

# Well-known ports of server-first or binary TCP protocols, which never carry HTTP.
binary_ports := {
	3306: "MySQL",
	5432: "PostgreSQL",
	27017: "MongoDB",
	6379: "Redis",
	9042: "Cassandra CQL",
	7000: "Cassandra inter-node",
	2181: "ZooKeeper client",
	2888: "ZooKeeper peer",
	3888: "ZooKeeper election",
	9092: "Kafka",
	9300: "Elasticsearch transport",
	5672: "AMQP",
}

# Protocols served over HTTP (the ones a trace header travels in).
http_protocols := {"http", "http2", "grpc", "grpc-web"}

service_ports(svc) := {x |
	some j, p in as_array(object.get(as_object(svc), ["spec", "ports"], []))
	is_object(p)
	x := {
		"port": p,
		"index": j,
		"path": sprintf("spec.ports[%d]", [j]),
		"name": str(object.get(p, "name", "")),
		"number": object.get(p, "port", 0),
	}
}

# svc_ports[si] are the ports of Service si as service_ports gives them, plus "protocol"
# (istio_protocol) and "source" (protocol_source), worked out once for all the rules that read them.
svc_ports[si] := {object.union(p, {"protocol": istio_protocol(p.port), "source": protocol_source(p.port)}) |
	some p in service_ports(svc)
} if {
	some si, svc in services
}

# protocol_source is where Istio reads a port's protocol: appProtocol wins when set.
protocol_source(p) := {"field": "appProtocol", "value": str(p.appProtocol)} if {
	p.appProtocol != null
} else := {"field": "name", "value": str(object.get(p, "name", ""))}

# istio_protocol mirrors istio/istio pkg/config/kube ConvertProtocol for a Service port.
istio_protocol(p) := "udp" if {
	object.get(p, "protocol", "TCP") == "UDP"
} else := proto if {
	src := protocol_source(p)
	src.field == "appProtocol"
	proto := k8s_app_protocols[src.value]
} else := name_protocol(protocol_source(p).value, object.get(p, "port", 0))

# name_protocol: "grpc-web" by prefix (it holds a dash), else the part before the first
# dash, case-insensitively; well-known server-first ports default to TCP.
name_protocol(name, port) := "grpc-web" if {
	startswith(lower(name), "grpc-web")
} else := proto if {
	proto := lower(split(name, "-")[0])
	proto in istio_protocols
} else := "tcp" if {
	port in well_known_tcp_ports
} else := ""

# service_workloads holds [service index, workload index] for every workload in the
# Service's namespace whose pod template labels match the Service's (non-empty) selector.
# They are the intersection, over the selector's labels, of the workloads carrying each label.
service_workloads contains [si, wi] if {
	by_label := _workloads_by_label
	some si, svc in services
	selector := as_object(object.get(svc, ["spec", "selector"], {}))
	count(selector) > 0
	ns := namespace_of(svc)

	# object.get with a one-key path: a label nobody carries gives the empty set.
	some wi in intersection({object.get(by_label, [[ns, k, str(v)]], set()) | some k, v in selector})
}

# _workloads_by_label[[ns, key, value]] are the workloads in namespace ns whose pod template
# has the label key with a value of the same string (str) as value.
# Only the label keys some selector uses are indexed.
_workloads_by_label[x] contains wi if {
	keys := _selector_keys
	some wi, pod in pods
	labels := pod.labels
	some k in keys
	v := labels[k]
	x := [pod.namespace, k, str(v)]
}

_selector_keys contains k if {
	some svc in services
	some k, _ in as_object(object.get(svc, ["spec", "selector"], {}))
}

# workload_services[wi] are the indexes of the Services selecting workload wi.
workload_services[wi] contains si if {
	some pair in service_workloads
	[si, wi] := pair
}

# selected_workloads[si] are the indexes of the workloads Service si selects.
selected_workloads[si] contains wi if {
	some pair in service_workloads
	[si, wi] := pair
}

# named_target is a Service port's targetPort when it names a container port. A quoted
# number ("8080") is a name too, as the API server reads an IntOrString (and then rejects it:
# port names need a letter), the way the fixer and the KRM function read it.
named_target(p) := t if {
	t := p.targetPort
	is_string(t)
	t != ""
}

# target_numbers are the container port numbers Service port p reaches in workload w:
# the container ports a named targetPort resolves to, the numeric targetPort, or the port.
target_numbers(p, w) := {n |
	some cp in container_ports(w)
	cp.name == named_target(p)
	n := cp.number
} if {
	named_target(p)
} else := {t} if {
	t := p.targetPort
	is_number(t)
} else := {object.get(p, "port", 0)}
