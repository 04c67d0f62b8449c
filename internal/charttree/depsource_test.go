package charttree

import "testing"

func TestOriginOf(t *testing.T) {
	cases := []struct {
		repo       string
		want       Origin
		wantFolder string
	}{
		{"file://components/so-bpmn", FromFolder, "/oom/so/components/so-bpmn"},
		{" file://../common ", FromFolder, "/oom/common"},
		{"file:///abs/chart", FromFolder, "/abs/chart"},
		{"", FromIndex, ""},
		{"@local", FromIndex, ""},
		{"'@local'", FromRemote, ""}, // quotes are YAML's business, not part of the name
		{"alias:local", FromIndex, ""},
		{"https://oauth2-proxy.github.io/manifests", FromRemote, ""},
		{"oci://registry/charts", FromRemote, ""},
	}
	for _, c := range cases {
		got, folder := OriginOf("/oom/so", c.repo)
		if got != c.want || folder != c.wantFolder {
			t.Errorf("OriginOf(%q) = %v, %q; want %v, %q", c.repo, got, folder, c.want, c.wantFolder)
		}
	}
}
