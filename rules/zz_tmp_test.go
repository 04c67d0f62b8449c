package rules

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

func BenchmarkTmpPerRule(b *testing.B) {
	charts := benchTrees(b)
	ctx := context.Background()
	e, err := NewDefault(ctx)
	if err != nil {
		b.Fatal(err)
	}
	in := Settings{Namespace: "onap", TraceFormat: "b3"}
	inputs := make([]any, len(charts))
	for i, c := range charts {
		inputs[i] = e.input(c.objects, in)
	}
	type kv struct {
		k string
		d time.Duration
	}
	var out []kv
	names := []string{}
	for n := range e.rules {
		names = append(names, n)
	}
	names = append(names, "ALL", "NONE", "CONVERT")
	for _, n := range names {
		q := "x := data.meshready.rules." + n + ".findings"
		if n == "ALL" {
			q = "out := [[p, f] | some p; some f in data.meshready.rules[p].findings]"
		}
		if n == "NONE" {
			q = "x := 1"
		}
		pq, err := rego.New(rego.Query(q), rego.Compiler(e.compiler), rego.Capabilities(Capabilities()), rego.StrictBuiltinErrors(true)).PrepareForEval(ctx)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for range 3 {
			for i := range charts {
				if n == "CONVERT" {
					e.input(charts[i].objects, in)
					continue
				}
				if _, err := pq.Eval(ctx, rego.EvalParsedInput(inputs[i].(ast.Value))); err != nil {
					b.Fatal(err)
				}
			}
		}
		out = append(out, kv{n, time.Since(start) / 3})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].d > out[j].d })
	for _, o := range out {
		fmt.Printf("%-32s %v\n", o.k, o.d)
	}
}

func BenchmarkTmpStats(b *testing.B) {
	charts := benchTrees(b)
	kinds := map[string]int{}
	env, cms, cmBytes, ctr := 0, 0, 0, 0
	for _, c := range charts {
		for _, o := range c.objects {
			k, _ := o["kind"].(string)
			kinds[k]++
			if k == "ConfigMap" {
				if d, ok := o["data"].(map[string]any); ok {
					for _, v := range d {
						s, _ := v.(string)
						cmBytes += len(s)
						cms++
					}
				}
			}
			spec, _ := o["spec"].(map[string]any)
			tpl, _ := spec["template"].(map[string]any)
			ps, _ := tpl["spec"].(map[string]any)
			for _, key := range []string{"containers", "initContainers"} {
				cs, _ := ps[key].([]any)
				for _, c := range cs {
					ctr++
					cm, _ := c.(map[string]any)
					es, _ := cm["env"].([]any)
					env += len(es)
				}
			}
		}
	}
	fmt.Println(kinds, "env", env, "containers", ctr, "cm keys", cms, "cm bytes", cmBytes)
}
