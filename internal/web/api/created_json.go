package api

import (
	"strconv"
	"unicode/utf8"

	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
)

// The body of a 201 is written by hand rather than through encoding/json: with its advice
// texts it is a few kilobytes, and reflecting over it was an eighth of a submission's CPU.
// The bytes are exactly what encoding/json writes for created (HTML-safe escaping, fields in
// struct order, omitempty where the tags say so); TestCreatedJSONMatchesEncodingJSON holds
// the two together over random results of every shipped questionnaire.

func appendCreated(b []byte, c *created) []byte {
	b = append(b, `{"result":`...)
	b = appendResult(b, &c.Result)
	b = str(b, `,"result_url":`, c.ResultURL)
	b = str(b, `,"token":`, c.Token)
	return append(b, '}')
}

func appendResult(b []byte, v *resultview.ResultView) []byte {
	b = str(b, `{"questionnaire":`, v.Questionnaire)
	b = str(b, `,"version":`, v.Version)
	b = str(b, `,"language":`, v.Language)
	b = appendList(append(b, `,"flags":`...), v.Flags, appendFlag)
	b = append(b, `,"level":`...)
	if v.Level == nil {
		b = append(b, "null"...)
	} else {
		b = appendBand(b, v.Level)
	}
	if len(v.Levels) > 0 {
		b = appendList(append(b, `,"levels":`...), v.Levels, appendLevel)
	}
	b = appendList(append(b, `,"scores":`...), v.Scores, appendScore)
	b = appendList(append(b, `,"told":`...), v.Told, appendTold)
	b = strs(b, `,"dsm5_criteria":`, v.Criteria)
	b = appendList(append(b, `,"advice":`...), v.Advice, appendAdvice)
	b = strs(b, `,"resource_kinds":`, v.ResourceKinds)
	b = str(b, `,"notice":`, v.Notice)
	if v.Acute {
		b = append(b, `,"acute":true`...)
	}
	if v.Scale != nil {
		b = appendScale(append(b, `,"scale":`...), v.Scale)
	}
	return append(b, '}')
}

func appendFlag(b []byte, f *resultview.FlagView) []byte {
	b = str(b, `{"id":`, f.ID)
	b = str(b, `,"severity":`, f.Severity)
	b = str(b, `,"title":`, f.Title)
	b = str(b, `,"message":`, f.Message)
	b = strs(b, `,"resources":`, f.Resources)
	if f.ClinicianLabel != "" {
		b = str(b, `,"clinician_label":`, f.ClinicianLabel)
	}
	if f.FollowUp != "" {
		b = str(b, `,"suggested_follow_up":`, f.FollowUp)
	}
	return append(b, '}')
}

func appendBand(b []byte, v *resultview.BandView) []byte {
	b = str(b, `{"score":`, v.Score)
	b = str(b, `,"id":`, v.ID)
	b = str(b, `,"label":`, v.Label)
	b = str(b, `,"meaning":`, v.Meaning)
	b = strs(b, `,"next_steps":`, v.NextSteps)
	return append(b, '}')
}

func appendLevel(b []byte, v *resultview.LevelView) []byte {
	b = str(b, `{"score":`, v.Score)
	b = str(b, `,"score_label":`, v.ScoreLabel)
	b = num(b, `,"value":`, v.Value)
	b = str(b, `,"band":`, v.Band)
	b = str(b, `,"label":`, v.Label)
	b = str(b, `,"meaning":`, v.Meaning)
	b = strs(b, `,"next_steps":`, v.NextSteps)
	return append(b, '}')
}

func appendScore(b []byte, v *resultview.ScoreView) []byte {
	b = str(b, `{"id":`, v.ID)
	b = str(b, `,"label":`, v.Label)
	b = num(b, `,"value":`, v.Value)
	b = num(b, `,"min":`, v.Min)
	b = num(b, `,"max":`, v.Max)
	if v.Band != "" {
		b = str(b, `,"band":`, v.Band)
	}
	return append(b, '}')
}

func appendTold(b []byte, v *resultview.ToldView) []byte {
	b = str(b, `{"item":`, v.Item)
	b = str(b, `,"domain":`, v.Domain)
	b = strs(b, `,"options":`, v.Options)
	b = strs(b, `,"text":`, v.Text)
	return append(b, '}')
}

func appendAdvice(b []byte, v *resultview.AdviceView) []byte {
	b = str(b, `{"id":`, v.ID)
	b = str(b, `,"title":`, v.Title)
	b = strs(b, `,"tips":`, v.Tips)
	return append(b, '}')
}

func appendScale(b []byte, v *resultview.ScaleView) []byte {
	b = str(b, `{"score":`, v.Score)
	b = str(b, `,"text":`, v.Text)
	b = num(b, `,"value":`, v.Value)
	b = num(b, `,"max":`, v.Max)
	b = appendList(append(b, `,"bands":`...), v.Bands, appendScaleBand)
	return append(b, '}')
}

func appendScaleBand(b []byte, v *resultview.ScaleBandView) []byte {
	b = str(b, `{"id":`, v.ID)
	b = str(b, `,"label":`, v.Label)
	b = num(b, `,"min":`, v.Min)
	b = num(b, `,"max":`, v.Max)
	if v.Current {
		b = append(b, `,"current":true`...)
	}
	return append(b, '}')
}

// str, num and strs write a member: its key (with the comma before it and the colon after, as
// written in the caller) and its value.
func str(b []byte, key, v string) []byte { return appendJSONString(append(b, key...), v) }

func num(b []byte, key string, v int) []byte {
	return strconv.AppendInt(append(b, key...), int64(v), 10)
}

func strs(b []byte, key string, v []string) []byte { return appendStrings(append(b, key...), v) }

// appendList writes a list of objects; a nil slice is null, as encoding/json writes it.
func appendList[T any](b []byte, list []T, each func([]byte, *T) []byte) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = each(b, &list[i])
	}
	return append(b, ']')
}

func appendStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string, escaped as encoding/json escapes it by default:
// quote and backslash; control characters (\b \f \n \r \t by name, the others as \u00XX);
// <, > and & as \u003c, \u003e and \u0026, so the JSON is safe inside HTML; U+2028 and U+2029;
// and each byte of invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	from := 0 // s[from:i] is waiting to be copied as it is
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[from:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			from = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[from:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[from:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		from = i
	}
	b = append(b, s[from:]...)
	return append(b, '"')
}
