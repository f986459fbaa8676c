// Command ketascreen serves the anonymous ketamine self-check and runs its admin tasks.
package main

import (
	"os"

	"github.com/ketascreen/ketascreen/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
