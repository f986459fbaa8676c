package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// printTable prints, per scenario and setup, each figure's median over the runs and its range.
func printTable(w io.Writer, o options, rows []row) {
	fmt.Fprintf(w, "Load test, %s: %d run(s) of %s per scenario; median [range].\n", machine(), o.runs, o.duration)
	fmt.Fprintf(w, "Command: go run ./cmd/loadtest %s\n\n", strings.Join(os.Args[1:], " "))
	fmt.Fprintln(w, "| scenario | setup | figure | median | range |")
	fmt.Fprintln(w, "|---|---|---|---:|---|")
	type key struct{ scenario, setup, what, unit string }
	var order []key
	values := map[key][]float64{}
	for _, r := range rows {
		k := key{r.scenario, r.setup, r.what, r.unit}
		if _, ok := values[k]; !ok {
			order = append(order, k)
		}
		values[k] = append(values[k], r.value)
	}
	for _, k := range order {
		v := slices.Clone(values[k])
		slices.Sort(v)
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s to %s |\n", k.scenario, k.setup, k.what, format(v[len(v)/2], k.unit),
			format(v[0], k.unit), format(v[len(v)-1], k.unit))
	}
}

func format(v float64, unit string) string {
	switch unit {
	case "x":
		return fmt.Sprintf("%.2f", v)
	case "/s":
		return fmt.Sprintf("%.0f/s", v)
	case "ms":
		return fmt.Sprintf("%.2f ms", v)
	case "us":
		return fmt.Sprintf("%.0f µs", v)
	case "s":
		return fmt.Sprintf("%.1f s", v)
	case "B":
		return fmt.Sprintf("%.0f B", v)
	case "":
		return fmt.Sprintf("%.0f", v)
	case "MB":
		return fmt.Sprintf("%.1f MB", v)
	}
	return fmt.Sprintf("%g %s", v, unit)
}
