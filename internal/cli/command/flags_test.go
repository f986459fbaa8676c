package command

import "testing"

// A boolean variable parses as strconv.ParseBool does: "1" means true.
func TestBoolFromEnvironment(t *testing.T) {
	e := &Env{Getenv: func(k string) string { return map[string]string{"KETASCREEN_TLS_BEHIND_PROXY": "1"}[k] }}
	fl := e.Flags("serve", "", "")
	tls := fl.Bool("tls-behind-proxy", false, "")
	if err := e.ParseNoArgs(fl, nil); err != nil {
		t.Fatal(err)
	}
	if !*tls {
		t.Error("KETASCREEN_TLS_BEHIND_PROXY=1 did not turn the flag on")
	}
}
