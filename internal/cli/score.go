package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/answersjson"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
)

// maxAnswersInput caps what score reads from stdin.
const maxAnswersInput = 64 << 10

func runScore(_ context.Context, e *command.Env, args []string) error {
	fl := e.Flags("score", "-q ID|FILE [--lang en] < answers.json",
		"Scores answers read as JSON on stdin, {\"item_id\": \"option_code\", ...} (a list of codes\n"+
			"for a multiple-choice item), and prints the result as JSON. Exits 2 on bad JSON or answers.")
	qflag := fl.String("q", "", "questionnaire id (built-in or in --questionnaires) or a questionnaire file")
	lang := fl.String("lang", "en", "language of the texts in the result")
	dir := command.QuestionnairesFlag(fl)
	if err := e.Parse(fl, args); err != nil {
		return err
	}
	if *qflag == "" {
		return command.UsageError{Msg: "-q is required"}
	}
	if fl.NArg() > 0 {
		return command.UsageError{Msg: fmt.Sprintf("unexpected argument %.40q", fl.Arg(0))}
	}
	q, err := findQuestionnaire(*qflag, *dir)
	if err != nil {
		return err
	}
	if !q.HasLanguage(*lang) {
		return command.UsageError{Msg: fmt.Sprintf("%s is not written in %.10q (it has %s)", q.ID, *lang, strings.Join(q.Languages, ", "))}
	}
	data, err := io.ReadAll(io.LimitReader(e.Stdin, maxAnswersInput+1))
	if err != nil {
		return command.UsageError{Msg: "cannot read the answers: " + err.Error()}
	}
	if len(data) > maxAnswersInput {
		return command.UsageError{Msg: fmt.Sprintf("the answers are larger than %d bytes", maxAnswersInput)}
	}
	answers, err := answersjson.Decode(data)
	if err != nil {
		return command.UsageError{Msg: err.Error()}
	}
	r, err := q.Score(answers)
	var ae questionnaire.AnswersError
	if errors.As(err, &ae) {
		for _, p := range ae {
			fmt.Fprintf(e.Stderr, "ketascreen score: %s: %s\n", p.Item, p.Message)
		}
		return command.ExitError{Code: 2}
	}
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(resultview.Of(r, *lang), "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.Stdout, "%s\n", out)
	return err
}

// findQuestionnaire takes an id from the catalog, or a path to a single file.
func findQuestionnaire(idOrFile, dir string) (*questionnaire.Questionnaire, error) {
	if st, err := os.Stat(idOrFile); err == nil && !st.IsDir() {
		data, err := readCapped(idOrFile)
		if err != nil {
			return nil, command.UsageError{Msg: err.Error()}
		}
		q, err := definition.Parse(idOrFile, data)
		if err != nil {
			return nil, command.UsageError{Msg: "the questionnaire has problems (run 'ketascreen lint'):\n" + err.Error()}
		}
		return q, nil
	}
	c, err := command.Catalog(dir)
	if err != nil {
		return nil, err
	}
	q := c.Latest(idOrFile)
	if q == nil {
		return nil, command.UsageError{Msg: fmt.Sprintf("no questionnaire %.64q (there is: %s)", idOrFile, strings.Join(c.IDs(), ", "))}
	}
	return q, nil
}
