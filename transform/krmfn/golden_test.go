package krmfn

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/frameworktestutil"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/meshready/meshready/internal/finding"
	"github.com/meshready/meshready/internal/resource"
	"github.com/meshready/meshready/internal/testutil"
)

// FindingAnnotation lets a golden input ask the fake validator for a
// finding: "severity|field|message".
const findingAnnotation = "test.meshready.io/finding"

// fakeValidator stands in for the rules engine: it reports what the items
// ask for, and echoes how the item was converted (source, file, index).
var fakeValidator = ValidatorFunc(func(_ context.Context, rs []*resource.Resource) ([]finding.Finding, error) {
	var out []finding.Finding
	for _, r := range rs {
		md, _ := r.Object["metadata"].(map[string]any)
		ann, _ := md["annotations"].(map[string]any)
		spec, _ := ann[findingAnnotation].(string)
		if spec == "" {
			continue
		}
		parts := strings.SplitN(spec, "|", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("%s: bad %s %q", r.Ref, findingAnnotation, spec)
		}
		out = append(out, finding.Finding{
			Rule: "fake-rule", Severity: finding.Severity(parts[0]), Field: parts[1], Value: "x",
			Message:  fmt.Sprintf("%s (source %q, file %q, index %d)", parts[2], r.Source, r.File, r.Index),
			Resource: r.Ref, ResourceIndex: r.Index,
		})
	}
	return out, nil
})

// goldenCommand runs the function as frameworktestutil calls a command:
// args are config.yaml then the input files. Output is always a
// ResourceList, so expected.yaml holds the items and the results. With
// exitCodes, a non-zero exit is reported on stderr (errors.txt); without,
// stderr stays empty so the output is compared for every case.
func goldenCommand(exitCodes bool) func() *cobra.Command {
	return func() *cobra.Command {
		return &cobra.Command{
			SilenceErrors: true, SilenceUsage: true,
			RunE: func(cmd *cobra.Command, args []string) error {
				var stderr bytes.Buffer
				code := Run(Options{
					Stdout: cmd.OutOrStdout(), Stderr: &stderr,
					ConfigFile: args[0], Files: args[1:],
					Validator: fakeValidator, ResourceListOutput: true,
				})
				if exitCodes && code != ExitOK {
					fmt.Fprintf(cmd.ErrOrStderr(), "%sexit code %d\n", stderr.String(), code)
					return fmt.Errorf("exit code %d", code)
				}
				return nil
			},
		}
	}
}

// TestGolden runs every case under testdata/golden twice through
// frameworktestutil: once for the output ResourceList (items and results),
// once for the exit code and stderr (cases with errors.txt).
func TestGolden(t *testing.T) {
	out := frameworktestutil.CommandResultsChecker{
		TestDataDirectory:        "testdata/golden",
		Command:                  goldenCommand(false),
		ExpectedErrorFilename:    "no-such-file",
		UpdateExpectedFromActual: testutil.Update(),
	}
	out.Assert(t)
	codes := frameworktestutil.CommandResultsChecker{
		TestDataDirectory:        "testdata/golden",
		Command:                  goldenCommand(true),
		ErrorAssertionFunc:       frameworktestutil.RequireStrippedStringsEqual,
		UpdateExpectedFromActual: testutil.Update(),
	}
	codes.Assert(t)
	if n := len(out.TestCasesRun()); n < 15 {
		t.Errorf("ran %d golden cases; expected the full set", n)
	}
}

// TestGoldenIdempotent runs the function again over each golden output:
// the items must come back unchanged.
func TestGoldenIdempotent(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/golden/*/expected.yaml")
	if len(dirs) == 0 {
		t.Fatal("no golden outputs")
	}
	for _, exp := range dirs {
		dir := filepath.Dir(exp)
		if _, err := os.Stat(filepath.Join(dir, "errors.txt")); err == nil {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			first, err := os.ReadFile(exp)
			if err != nil {
				t.Fatal(err)
			}
			var second, stderr bytes.Buffer
			code := Run(Options{Stdin: bytes.NewReader(first), Stdout: &second, Stderr: &stderr,
				ConfigFile: filepath.Join(dir, "config.yaml"), Validator: fakeValidator})
			if code != ExitOK {
				t.Fatalf("second pass exit %d: %s", code, stderr.String())
			}
			if a, b := itemsOf(t, first), itemsOf(t, second.Bytes()); a != b {
				t.Errorf("second pass changed the items:\n--- first\n%s\n--- second\n%s", a, b)
			}
		})
	}
}

// itemsOf is the items of a ResourceList as a stream.
func itemsOf(t *testing.T, rl []byte) string {
	t.Helper()
	var b bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(rl), Writer: &b, OmitReaderAnnotations: true, KeepReaderAnnotations: true, NoWrap: true}
	items, err := rw.Read()
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Write(items); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
