package cli

import (
	"os"
	"runtime/debug"
)

// tuneGC sets the collector for serving. A serving process keeps a few MiB alive (catalog,
// templates, first pages), so with the default GOGC=100 it collected every few MiB of
// garbage: about a tenth of the CPU under load. At 400 it collects a quarter as often, and the
// heap stays around 20 MiB; the soft limit holds it under 80 MiB however much is alive (a
// staff sign-in's password hash takes 19 MiB for a moment, the dashboard more), within the
// 100 MB the server is meant to stay under. GOGC and GOMEMLIMIT, when set, win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(80 << 20)
	}
}
