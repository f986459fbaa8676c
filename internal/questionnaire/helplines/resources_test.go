package helplines_test

import (
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
)

func TestResources(t *testing.T) {
	r, err := helplines.Parse("resources.yaml", []byte(lintFile(t, "resources.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	group := func(region string, kinds ...string) string {
		var out []string
		for _, g := range r.For(region, kinds) {
			s := g.Kind.ID + ":"
			for i, res := range g.Resources {
				if i > 0 {
					s += ","
				}
				s += res.ID
			}
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name, region string
		kinds        []string
		want         string
	}{
		{"AlwaysOnly", "us", nil, "crisis:us-988"},
		// In the file's kind order, whatever the order asked.
		{"Asked", "us", []string{"support", "emergency"}, "crisis:us-988 emergency:us-911 support:us-web"},
		{"UnknownKindIgnored", "us", []string{"nope"}, "crisis:us-988"},
		// A kind with no resource in the region is left out.
		{"OtherRegion", "other", []string{"support", "emergency"}, "crisis:other-crisis emergency:other-emergency"},
		{"UnknownRegionIsOther", "zz", []string{"emergency"}, "crisis:other-crisis emergency:other-emergency"},
		{"NoRegionIsOther", "", nil, "crisis:other-crisis"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := group(tt.region, tt.kinds...); got != tt.want {
				t.Errorf("For(%q, %v) = %q, want %q", tt.region, tt.kinds, got, tt.want)
			}
		})
	}
	if !r.HasRegion("other") || r.HasRegion("zz") {
		t.Error("HasRegion is wrong")
	}
	if r.Kind("crisis") == nil || !r.Kind("crisis").Always || r.Kind("nope") != nil {
		t.Error("Kind is wrong")
	}
}

func TestContactDial(t *testing.T) {
	tests := []struct{ value, want string }{
		{"988", "988"},
		{"1-800-662-4357", "18006624357"},
		{"+1 (555) 010-0199", "+15550100199"},
		{"116 123", "116123"},
		{"0300 123 6600", "03001236600"},
		{"12+34", "1234"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			c := &helplines.Contact{Type: "phone", Value: tt.value}
			if got := c.Dial(); got != tt.want {
				t.Errorf("Dial() = %q, want %q", got, tt.want)
			}
		})
	}
}
