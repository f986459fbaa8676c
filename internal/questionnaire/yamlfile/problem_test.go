package yamlfile_test

import (
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

func TestProblemString(t *testing.T) {
	tests := []struct {
		name string
		p    yamlfile.Problem
		want string
	}{
		{"WithLine", yamlfile.Problem{File: "q.yaml", Line: 12, Message: "oops"}, "q.yaml:12: oops"},
		{"WithoutLine", yamlfile.Problem{File: "resources.yaml", Message: "missing"}, "resources.yaml: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
	ps := yamlfile.Problems{tests[0].p, tests[1].p}
	if got, want := ps.Error(), "q.yaml:12: oops\nresources.yaml: missing"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
