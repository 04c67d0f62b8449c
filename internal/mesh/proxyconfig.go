package mesh

import (
	"encoding/json"
	"fmt"
	"strconv"

	"sigs.k8s.io/yaml"
)

// proxyConfig is the part of the injector's validateProxyConfig
// (pkg/kube/inject/validate.go, 1.20-1.30) the model covers: the value is
// YAML converted to JSON (sigs.k8s.io/yaml, YAML 1.1, so yes/no are
// booleans) and decoded into a ProxyConfig by protomarshal.ApplyYAML, which
// retries with unknown fields allowed (pkg/util/protomarshal ApplyJSON), so
// only a YAML error, a value that is not a mapping, or a field of the wrong
// type is refused. The semantic checks of ValidateMeshConfigProxyConfig
// (addresses, durations, tracer settings) are not modelled.
func proxyConfig(value string) error {
	js, err := yaml.YAMLToJSON([]byte(value))
	if err != nil {
		return fmt.Errorf("not YAML: %v", err)
	}
	var doc any
	if err := json.Unmarshal(js, &doc); err != nil {
		return fmt.Errorf("not YAML: %v", err)
	}
	if doc == nil {
		return nil
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return fmt.Errorf("not a ProxyConfig mapping")
	}
	return proxyConfigFields("", m, proxyConfigTypes)
}

// Field types of istio.io/api mesh/v1alpha1 ProxyConfig (and Tracing) the
// check knows; other fields are not checked.
type jsonKind int

const (
	jsonBool jsonKind = iota
	jsonInt
	jsonNumber
	jsonString
	jsonObject
)

var proxyConfigTypes = map[string]jsonKind{
	"holdApplicationUntilProxyStarts": jsonBool, // google.protobuf.BoolValue
	"concurrency":                     jsonInt,  // google.protobuf.Int32Value
	"statusPort":                      jsonInt,
	"proxyAdminPort":                  jsonInt,
	"statNameLength":                  jsonInt,
	"configPath":                      jsonString,
	"binaryPath":                      jsonString,
	"serviceCluster":                  jsonString,
	"discoveryAddress":                jsonString,
	"customConfigFile":                jsonString,
	"proxyBootstrapTemplatePath":      jsonString,
	"statsdUdpAddress":                jsonString,
	"drainDuration":                   jsonString, // google.protobuf.Duration: a JSON string
	"terminationDrainDuration":        jsonString,
	"proxyMetadata":                   jsonObject, // map<string, string>
	"runtimeValues":                   jsonObject,
	"tracing":                         jsonObject,
	"proxyStatsMatcher":               jsonObject,
	"gatewayTopology":                 jsonObject,
	"image":                           jsonObject,
	"proxyHeaders":                    jsonObject,
}

var tracingTypes = map[string]jsonKind{
	"sampling":         jsonNumber, // google.protobuf.DoubleValue
	"maxPathTagLength": jsonInt,    // google.protobuf.UInt32Value
	"zipkin":           jsonObject,
	"lightstep":        jsonObject,
	"datadog":          jsonObject,
	"stackdriver":      jsonObject,
	"openCensusAgent":  jsonObject,
	"customTags":       jsonObject,
	"tlsSettings":      jsonObject,
}

func proxyConfigFields(prefix string, m map[string]any, types map[string]jsonKind) error {
	for k, want := range types {
		v, ok := m[k]
		if !ok || v == nil {
			continue
		}
		if !jsonIs(v, want) {
			return fmt.Errorf("%s%s: %v is not %s", prefix, k, v, [...]string{"a boolean", "an integer", "a number", "a string", "a mapping"}[want])
		}
	}
	if t, ok := m["tracing"].(map[string]any); ok && types["tracing"] == jsonObject {
		return proxyConfigFields("tracing.", t, tracingTypes)
	}
	if md, ok := m["proxyMetadata"].(map[string]any); ok && types["proxyMetadata"] == jsonObject {
		for k, v := range md {
			if _, ok := v.(string); !ok {
				return fmt.Errorf("proxyMetadata.%s: %v is not a string", k, v)
			}
		}
	}
	return nil
}

// jsonIs: v decodes as a protobuf JSON value of kind k (numbers may be
// quoted, as the protobuf JSON mapping allows).
func jsonIs(v any, k jsonKind) bool {
	switch k {
	case jsonBool:
		_, ok := v.(bool)
		return ok
	case jsonInt:
		switch x := v.(type) {
		case float64:
			return x == float64(int64(x))
		case string:
			_, err := strconv.ParseInt(x, 10, 64)
			return err == nil
		}
		return false
	case jsonNumber:
		switch x := v.(type) {
		case float64:
			return true
		case string:
			_, err := strconv.ParseFloat(x, 64)
			return err == nil
		}
		return false
	case jsonString:
		_, ok := v.(string)
		return ok
	}
	_, ok := v.(map[string]any)
	return ok
}
