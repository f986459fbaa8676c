package answersjson_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/answersjson"
)

func TestDecodeAnswersJSON(t *testing.T) {
	long := strings.Repeat("k", questionnaire.MaxAnswerKeySize)
	many := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`"item%d": "yes"`, i)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	codes := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`"c%d"`, i)
		}
		return `{"harms": [` + strings.Join(parts, ",") + "]}"
	}
	tests := []struct {
		name string
		in   string
		want questionnaire.Answers // when err is ""
		err  string
	}{
		{"OK", `{"use": "both", "harms": ["a", "b"]}`, questionnaire.Answers{"use": {"both"}, "harms": {"a", "b"}}, ""},
		{"OKEmptyObject", `{}`, questionnaire.Answers{}, ""},
		{"OKWhitespace", " \n\t{ \"use\" : \"both\" } \n", questionnaire.Answers{"use": {"both"}}, ""},
		{"OKEmptyArray", `{"harms": []}`, questionnaire.Answers{"harms": {}}, ""},
		{"OKUnicode", `{"uso": "sí", "\u00e9": "caf\u00e9"}`, questionnaire.Answers{"uso": {"sí"}, "é": {"café"}}, ""},
		{"OKLongestKey", `{"` + long + `": "` + long + `"}`, questionnaire.Answers{long: {long}}, ""},
		{"OKMaxItems", many(questionnaire.MaxAnswerItems), nil, ""},
		{"OKMaxCodes", codes(questionnaire.MaxAnswerCodes), nil, ""},

		{"ErrInvalidUTF8", "{\"use\": \"b\xffth\"}", nil, "not valid UTF-8"},
		{"ErrEmpty", ``, nil, "not valid JSON: it ends too early"},
		{"ErrTruncated", `{"use": "both"`, nil, "not valid JSON: it ends too early"},
		{"ErrTruncatedArray", `{"harms": ["a", `, nil, "not valid JSON"},
		{"ErrSyntax", `{"use": both}`, nil, "not valid JSON"},
		{"ErrTrailingComma", `{"use": "both",}`, nil, "not valid JSON"},
		{"ErrSingleQuotes", `{'use': 'both'}`, nil, "not valid JSON"},
		{"ErrNotObjectArray", `["both"]`, nil, "must be a JSON object"},
		{"ErrNotObjectString", `"both"`, nil, "must be a JSON object"},
		{"ErrNotObjectNumber", `42`, nil, "must be a JSON object"},
		{"ErrTopNull", `null`, nil, "must be a JSON object"},
		{"ErrTrailingObject", `{"use": "both"} {"use": "none"}`, nil, "nothing after it"},
		{"ErrTrailingText", `{"use": "both"} x`, nil, "nothing after it"},
		{"ErrTrailingBrace", `{"use": "both"}}`, nil, "nothing after it"},
		{"ErrDuplicateKey", `{"use": "both", "use": "prescribed"}`, nil, `item "use" is answered twice`},
		{"ErrDuplicateKeyEscaped", `{"use": "both", "\u0075se": "prescribed"}`, nil, `item "use" is answered twice`},
		{"ErrNull", `{"use": null}`, nil, `item "use": an answer must be an option code or a list of option codes, not null`},
		{"ErrNullInArray", `{"harms": ["a", null]}`, nil, `item "harms": an answer must be an option code or a list of option codes`},
		{"OKNumber", `{"days": 12, "drinks": "3"}`, questionnaire.Answers{"days": {"12"}, "drinks": {"3"}}, ""},
		{"OKNumberAsWritten", `{"days": -0.5e1}`, questionnaire.Answers{"days": {"-0.5e1"}}, ""}, // Check refuses it
		{"ErrNumberTooLong", `{"days": 1` + strings.Repeat("0", questionnaire.MaxAnswerKeySize) + `}`, nil, `item "days": number is longer than`},
		{"ErrNumberInArray", `{"harms": ["a", 2]}`, nil, `item "harms": an answer must be an option code`},
		{"ErrBool", `{"use": true}`, nil, `item "use": an answer must be an option code`},
		{"ErrNestedObject", `{"use": {"code": "both"}}`, nil, `item "use": an answer must be an option code`},
		{"ErrNestedArray", `{"harms": [["a"]]}`, nil, `item "harms": an answer must be an option code`},
		{"ErrTooManyItems", many(questionnaire.MaxAnswerItems + 1), nil, fmt.Sprintf("more than %d answers", questionnaire.MaxAnswerItems)},
		{"ErrTooManyCodes", codes(questionnaire.MaxAnswerCodes + 1), nil, fmt.Sprintf(`item "harms": more than %d options`, questionnaire.MaxAnswerCodes)},
		{"ErrKeyTooLong", `{"` + long + `x": "yes"}`, nil, fmt.Sprintf("is longer than %d characters", questionnaire.MaxAnswerKeySize)},
		{"ErrCodeTooLong", `{"use": "` + long + `x"}`, nil, fmt.Sprintf(`item "use": option code is longer than %d characters`, questionnaire.MaxAnswerKeySize)},
		{"ErrCodeTooLongInArray", `{"harms": ["a", "` + long + `x"]}`, nil, fmt.Sprintf(`item "harms": option code is longer than %d characters`, questionnaire.MaxAnswerKeySize)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := answersjson.Decode([]byte(tt.in))
			if tt.err != "" {
				if err == nil || got != nil {
					t.Fatalf("Decode() = %v, %v; want error %q", got, err, tt.err)
				}
				if !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error = %q, want it to contain %q", err, tt.err)
				}
				if len(err.Error()) > 200 {
					t.Errorf("error is %d bytes long: a message, not an echo of the input", len(err.Error()))
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode() error = %v", err)
			}
			if tt.want != nil && fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Decode() = %v, want %v", got, tt.want)
			}
		})
	}
}
