package krmfn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/meshready/meshready/internal/safeio"
	"io"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/meshready/meshready/internal/resource"
)

// Options are one invocation of the function.
type Options struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// ConfigFile is the functionConfig file (--config); it wins over a
	// ResourceList's own functionConfig.
	ConfigFile string
	// Files are manifest files to read instead of stdin ("-" is stdin).
	Files     []string
	Validator Validator
	Context   context.Context
	// ResourceListOutput writes a ResourceList with results even when the
	// input was a plain manifest stream (golden tests use it).
	ResourceListOutput bool
}

// input is one stream to read.
type input struct {
	name string
	data []byte
}

// Run executes the function and returns the exit code: a ResourceList in
// gives a ResourceList out (results included); a plain manifest stream
// gives a plain stream out, with results on stderr.
func Run(o Options) (code int) {
	// Output is buffered and written only when the run completes, so a
	// failure never leaves half a stream in a pipe; an unexpected panic
	// (a kyaml corner no check caught) becomes exit code 2 with a message.
	stdout := o.Stdout
	var buf bytes.Buffer
	o.Stdout = &buf
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(o.Stderr, "meshready fn: internal error on this input: %v\n", r)
			code = ExitBadInput
			return
		}
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			fmt.Fprintf(o.Stderr, "meshready fn: writing output: %v\n", err)
			code = ExitBadInput
		}
	}()
	return runFn(o)
}

func runFn(o Options) int {
	var fc *yaml.RNode
	var pre framework.Results
	if o.ConfigFile != "" {
		b, err := safeio.Input{What: "functionConfig", Max: MaxConfigBytes}.ReadFile(o.ConfigFile)
		if err == nil {
			fc, err = yaml.Parse(string(b))
		}
		if err != nil {
			pre = append(pre, &framework.Result{Severity: framework.Error, File: &framework.File{Path: o.ConfigFile},
				Message: fmt.Sprintf("cannot read functionConfig %s: %v", o.ConfigFile, err)})
		}
	}

	var ins []input
	if len(o.Files) == 0 {
		ins = append(ins, input{name: "stdin"})
	}
	for _, f := range o.Files {
		ins = append(ins, input{name: f})
	}
	var items []*yaml.RNode
	wrapKind, wrapAPI := "", ""
	for i := range ins {
		in := &ins[i]
		var err error
		if in.name == "stdin" || in.name == "-" {
			in.name = "stdin"
			if o.Stdin != nil {
				in.data, err = io.ReadAll(io.LimitReader(o.Stdin, resource.MaxStreamBytes+1))
				if err == nil && len(in.data) > resource.MaxStreamBytes {
					err = fmt.Errorf("input is larger than the %d byte limit for a manifest stream", resource.MaxStreamBytes)
				}
			}
		} else {
			in.data, err = safeio.Input{What: "input", Max: resource.MaxStreamBytes}.ReadFile(in.name)
		}
		if err != nil {
			pre = append(pre, &framework.Result{Severity: framework.Error, File: &framework.File{Path: in.name},
				Message: fmt.Sprintf("cannot read %s: %v", in.name, err)})
			continue
		}
		r := &kio.ByteReader{Reader: bytes.NewReader(in.data), OmitReaderAnnotations: true}
		got, err := r.Read()
		if err != nil {
			pre = append(pre, diagnose(in.name, in.data, err))
			continue
		}
		if bad := badItems(in.name, in.data, r.WrappingKind); bad != nil {
			pre = append(pre, bad)
			continue
		}
		if bad := notObjects(in.name, got); bad != nil {
			pre = append(pre, bad...)
			continue
		}
		if r.WrappingKind != "" {
			wrapKind, wrapAPI = r.WrappingKind, r.WrappingAPIVersion
			if fc == nil && o.ConfigFile == "" {
				fc = r.FunctionConfig
			}
		}
		items = append(items, got...)
	}
	if len(ins) > 1 && wrapKind != kio.ResourceListKind {
		wrapKind, wrapAPI = "", "" // several plain files come out as one stream
	}
	if o.ResourceListOutput || wrapKind == "" && len(pre) > 0 && looksLikeResourceList(ins) {
		wrapKind, wrapAPI = kio.ResourceListKind, kio.ResourceListAPIVersion
	}

	rl := &framework.ResourceList{Items: items, FunctionConfig: fc}
	code := ExitOK
	var why framework.Results // what made the run fail
	if len(pre) > 0 {
		rl.Results, why = pre, pre
		code = ExitBadInput
	} else {
		p := &Processor{Validator: o.Validator, Context: o.Context, ConfigFile: o.ConfigFile}
		if err := p.Process(rl); err != nil {
			code = ExitBadInput
			why = framework.Results{{Severity: framework.Error, Message: err.Error()}}
			var f *Failure
			if errors.As(err, &f) {
				code, why = f.Code, f.Results
			}
		}
	}

	if wrapKind == "" {
		printResults(o.Stderr, rl.Results)
		if code == ExitBadInput {
			return code // nothing half-done goes down a pipe
		}
		if err := (kio.ByteWriter{Writer: o.Stdout, KeepReaderAnnotations: true}).Write(rl.Items); err != nil {
			fmt.Fprintf(o.Stderr, "meshready fn: writing output: %v\n", err)
			return ExitBadInput
		}
		return code
	}
	w := kio.ByteWriter{Writer: o.Stdout, KeepReaderAnnotations: true, FunctionConfig: rl.FunctionConfig,
		WrappingKind: wrapKind, WrappingAPIVersion: wrapAPI}
	if len(rl.Results) > 0 {
		b, err := yaml.Marshal(rl.Results)
		if err == nil {
			w.Results, err = yaml.Parse(string(b))
		}
		if err != nil {
			fmt.Fprintf(o.Stderr, "meshready fn: writing results: %v\n", err)
			return ExitBadInput
		}
	}
	if err := w.Write(rl.Items); err != nil {
		fmt.Fprintf(o.Stderr, "meshready fn: writing output: %v\n", err)
		return ExitBadInput
	}
	if code != ExitOK {
		// kpt and kustomize show stderr when a function fails.
		printResults(o.Stderr, why)
	}
	return code
}

// printResults writes results one a line, for people reading a terminal.
func printResults(w io.Writer, rs framework.Results) {
	if w == nil {
		return
	}
	for _, r := range rs {
		line := r.String()
		if r.File != nil && r.File.Path != "" {
			line += " (" + r.File.Path + ")"
		}
		fmt.Fprintln(w, line)
	}
}

var resourceListRE = regexp.MustCompile(`(?m)^kind:\s*ResourceList\s*$`)

// looksLikeResourceList: an input that failed to parse but meant to be a
// ResourceList still gets a ResourceList back, for kpt to show.
func looksLikeResourceList(ins []input) bool {
	return len(ins) == 1 && resourceListRE.Match(ins[0].data)
}

var (
	separatorRE = regexp.MustCompile(`\n---.*\n`)
	lineRE      = regexp.MustCompile(`line (\d+)`)
	kindRE      = regexp.MustCompile(`(?m)^kind:\s*(\S+)`)
	nameRE      = regexp.MustCompile(`(?m)^  name:\s*(\S+)`)
	sourceRE    = regexp.MustCompile(`(?m)^# Source: (\S+)`)
)

// diagnose turns a read error into a result naming the input, the
// document (number and first line), the resource and the cause.
func diagnose(name string, data []byte, readErr error) *framework.Result {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	starts := []int{0}
	for _, loc := range separatorRE.FindAllStringIndex(text, -1) {
		starts = append(starts, loc[1])
	}
	for i, start := range starts {
		end := len(text)
		if i+1 < len(starts) {
			end = strings.LastIndex(text[:starts[i+1]-1], "\n") + 1
		}
		doc := text[start:end]
		var n yaml.Node
		err := yaml.NewDecoder(strings.NewReader(doc)).Decode(&n)
		if err == nil || err == io.EOF {
			continue
		}
		line := strings.Count(text[:start], "\n") + 1
		msg := lineRE.ReplaceAllStringFunc(err.Error(), func(m string) string {
			k, _ := strconv.Atoi(m[len("line "):])
			return fmt.Sprintf("line %d", k+line-1)
		})
		what := ""
		if m := kindRE.FindStringSubmatch(doc); m != nil {
			what = " " + m[1]
			if n := nameRE.FindStringSubmatch(doc); n != nil {
				what += " " + n[1]
			}
		}
		if m := sourceRE.FindStringSubmatch(doc); m != nil {
			what += " from " + m[1]
		}
		return &framework.Result{Severity: framework.Error, File: &framework.File{Path: name, Index: i},
			Message: fmt.Sprintf("%s: document %d (line %d)%s does not parse: %s", name, i+1, line, what, msg)}
	}
	return &framework.Result{Severity: framework.Error, File: &framework.File{Path: name},
		Message: fmt.Sprintf("%s: cannot read the input: %v", name, readErr)}
}

// notObjects reports items that are not mappings (a list, a scalar, an
// empty "-"): they cannot be Kubernetes objects, and kyaml's writer
// assumes they are.
func notObjects(name string, items []*yaml.RNode) framework.Results {
	var out framework.Results
	bad := func(i int, what string) {
		out = append(out, &framework.Result{Severity: framework.Error, File: &framework.File{Path: name, Index: i},
			Message: fmt.Sprintf("%s: document %d %s", name, i+1, what)})
	}
	for i, it := range items {
		if it == nil || it.YNode() == nil || it.YNode().Kind != yaml.MappingNode {
			kind := "empty"
			if it != nil && it.YNode() != nil {
				kind = kindName(it.YNode().Kind)
			}
			bad(i, "is a "+kind+", not a Kubernetes object")
			continue
		}
		if it.GetKind() == "" {
			bad(i, "has no kind: not a Kubernetes object")
			continue
		}
		// kyaml (and the operations) read metadata, labels and annotations,
		// of the object and of its pod template, as mappings
		if why := metadataShape(it, ""); why != "" {
			bad(i, why)
			continue
		}
		kind := it.GetKind()
		if tp := resource.PodTemplatePath(kind); len(tp) > 0 {
			node, path := it, ""
			for _, k := range tp {
				f := node.Field(k)
				if f == nil {
					break
				}
				path += k + "."
				if f.Value.YNode().Kind != yaml.MappingNode {
					bad(i, "has "+strings.TrimSuffix(path, ".")+" that is a "+kindName(f.Value.YNode().Kind)+", not a mapping")
					break
				}
				node = f.Value
			}
			if why := metadataShape(node, path); node != it && why != "" {
				bad(i, why)
			}
		}
	}
	return out
}

// metadataShape says what is wrong with n's metadata (at path), or "".
func metadataShape(n *yaml.RNode, path string) string {
	md := n.Field("metadata")
	if md == nil || md.Value.YNode().Tag == "!!null" {
		return ""
	}
	if md.Value.YNode().Kind != yaml.MappingNode {
		return "has " + path + "metadata that is a " + kindName(md.Value.YNode().Kind) + ", not a mapping"
	}
	for _, k := range []string{"labels", "annotations"} {
		if f := md.Value.Field(k); f != nil && f.Value.YNode().Kind != yaml.MappingNode && f.Value.YNode().Tag != "!!null" {
			return "has " + path + "metadata." + k + " that is a " + kindName(f.Value.YNode().Kind) + ", not a mapping"
		}
	}
	return ""
}

func kindName(k yaml.Kind) string {
	if n, ok := map[yaml.Kind]string{yaml.SequenceNode: "list", yaml.ScalarNode: "scalar", yaml.AliasNode: "alias", yaml.MappingNode: "mapping"}[k]; ok {
		return n
	}
	return "node"
}
