package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/fhir/fhirimport"
)

func runImport(_ context.Context, e *command.Env, args []string) error {
	fl := e.Flags("import", "fhir FILE|- > questionnaire.yaml",
		"Turns a FHIR R4 Questionnaire (JSON; - reads stdin) into a questionnaire file, printed on stdout.\n"+
			"It converts groups (to sections), choice, integer and boolean questions, answerOption with\n"+
			"ordinalValue, required, repeats, enableWhen and enableWhenExpression, and the scores, bands and\n"+
			"flags of a Questionnaire ketascreen exported. What it cannot convert (typed-text questions,\n"+
			"value sets, a level's meaning, flag messages, help resources, advice, translations...) is listed\n"+
			"on stderr and at the top of the file. The file passes 'ketascreen lint'; read it before use.")
	if err := e.Parse(fl, args); err != nil {
		return err
	}
	if fl.NArg() != 2 || fl.Arg(0) != "fhir" {
		return command.UsageError{Msg: "want: ketascreen import fhir FILE|-"}
	}
	var data []byte
	var err error
	if name := fl.Arg(1); name == "-" {
		data, err = io.ReadAll(io.LimitReader(e.Stdin, fhirimport.MaxImport+1))
	} else {
		var f *os.File
		if f, err = os.Open(name); err == nil {
			data, err = io.ReadAll(io.LimitReader(f, fhirimport.MaxImport+1))
			f.Close()
		}
	}
	if err != nil {
		return command.UsageError{Msg: err.Error()}
	}
	out, notes, err := fhirimport.Import(data)
	for _, n := range notes {
		fmt.Fprintf(e.Stderr, "ketascreen import: not converted: %s\n", n)
	}
	if err != nil {
		return err
	}
	_, err = e.Stdout.Write(out)
	return err
}
