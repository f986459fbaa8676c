// Package answersjson reads a person's answers sent as JSON, by the API and the score command:
// one pass over the bytes for a well-formed body, encoding/json's tokens for the rest, with a
// message that names what is wrong.
package answersjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// Decode reads answers written as a JSON object: {"item": "code"} for one answer,
// {"item": ["a", "b"]} for several, and {"item": 12} or {"item": "12"} for a number item. It
// refuses invalid UTF-8, duplicate keys, other value types, and anything past the limits
// (questionnaire.MaxAnswerItems and the others), with a message that names the problem.
func Decode(data []byte) (questionnaire.Answers, error) {
	if a, ok := decodeFast(data); ok {
		return a, nil
	}
	return decodeTokens(data)
}

// decodeTokens is Decode through encoding/json's tokens: every body the fast
// path does not take, with a message for what is wrong.
func decodeTokens(data []byte) (questionnaire.Answers, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("the answers are not valid UTF-8 text")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("the answers are not valid JSON: %v", jsonMsg(err))
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New(`the answers must be a JSON object, like {"item_id": "option_code"}`)
	}
	a := questionnaire.Answers{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("the answers are not valid JSON: %v", jsonMsg(err))
		}
		key := tok.(string) // object keys are always strings
		if len(key) > questionnaire.MaxAnswerKeySize {
			return nil, fmt.Errorf("item id %.20q... is longer than %d characters", key, questionnaire.MaxAnswerKeySize)
		}
		if _, dup := a[key]; dup {
			return nil, fmt.Errorf("item %q is answered twice", key)
		}
		if len(a) == questionnaire.MaxAnswerItems {
			return nil, fmt.Errorf("more than %d answers", questionnaire.MaxAnswerItems)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("the answers are not valid JSON: %v", jsonMsg(err))
		}
		codes, err := decodeCodes(raw)
		if err != nil {
			return nil, fmt.Errorf("item %q: %v", key, err)
		}
		a[key] = codes
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("the answers are not valid JSON: %v", jsonMsg(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the answers must be one JSON object, with nothing after it")
	}
	return a, nil
}

func decodeCodes(raw json.RawMessage) ([]string, error) {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, errors.New("an answer must be an option code or a list of option codes, not null")
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		if len(one) > questionnaire.MaxAnswerKeySize {
			return nil, fmt.Errorf("option code is longer than %d characters", questionnaire.MaxAnswerKeySize)
		}
		return []string{one}, nil
	}
	// A JSON number is read as the text it is written with, so the questionnaire checks it
	// like a number sent as text: 12 is "12", and 2.5 or 1e3 is refused as not a whole number.
	if t := bytes.TrimSpace(raw); len(t) > 0 && (t[0] == '-' || t[0] >= '0' && t[0] <= '9') {
		if len(t) > questionnaire.MaxAnswerKeySize {
			return nil, fmt.Errorf("number is longer than %d characters", questionnaire.MaxAnswerKeySize)
		}
		return []string{string(t)}, nil
	}
	// Pointers, so a null inside the list is refused rather than read as "".
	var list []*string
	if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		return nil, errors.New("an answer must be an option code or a list of option codes")
	}
	if len(list) > questionnaire.MaxAnswerCodes {
		return nil, fmt.Errorf("more than %d options", questionnaire.MaxAnswerCodes)
	}
	many := make([]string, len(list))
	for i, c := range list {
		if c == nil {
			return nil, errors.New("an answer must be an option code or a list of option codes, not null")
		}
		if len(*c) > questionnaire.MaxAnswerKeySize {
			return nil, fmt.Errorf("option code is longer than %d characters", questionnaire.MaxAnswerKeySize)
		}
		many[i] = *c
	}
	return many, nil
}

func jsonMsg(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "it ends too early"
	}
	return err.Error()
}
