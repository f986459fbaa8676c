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
	b = append(b, `,"result_url":`...)
	b = appendJSONString(b, c.ResultURL)
	b = append(b, `,"token":`...)
	b = appendJSONString(b, c.Token)
	return append(b, '}')
}

func appendResult(b []byte, v *resultview.ResultView) []byte {
	b = append(b, `{"questionnaire":`...)
	b = appendJSONString(b, v.Questionnaire)
	b = append(b, `,"version":`...)
	b = appendJSONString(b, v.Version)
	b = append(b, `,"language":`...)
	b = appendJSONString(b, v.Language)
	b = append(b, `,"flags":`...)
	b = appendList(b, v.Flags, appendFlag)
	b = append(b, `,"level":`...)
	if v.Level == nil {
		b = append(b, "null"...)
	} else {
		b = appendBand(b, v.Level)
	}
	if len(v.Levels) > 0 {
		b = append(b, `,"levels":`...)
		b = appendList(b, v.Levels, appendLevel)
	}
	b = append(b, `,"scores":`...)
	b = appendList(b, v.Scores, appendScore)
	b = append(b, `,"told":`...)
	b = appendList(b, v.Told, appendTold)
	b = append(b, `,"dsm5_criteria":`...)
	b = appendStrings(b, v.Criteria)
	b = append(b, `,"advice":`...)
	b = appendList(b, v.Advice, appendAdvice)
	b = append(b, `,"resource_kinds":`...)
	b = appendStrings(b, v.ResourceKinds)
	b = append(b, `,"notice":`...)
	b = appendJSONString(b, v.Notice)
	if v.Acute {
		b = append(b, `,"acute":true`...)
	}
	if v.Scale != nil {
		b = append(b, `,"scale":`...)
		b = appendScale(b, v.Scale)
	}
	return append(b, '}')
}

func appendFlag(b []byte, f *resultview.FlagView) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, f.ID)
	b = append(b, `,"severity":`...)
	b = appendJSONString(b, f.Severity)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, f.Title)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, f.Message)
	b = append(b, `,"resources":`...)
	b = appendStrings(b, f.Resources)
	if f.ClinicianLabel != "" {
		b = append(b, `,"clinician_label":`...)
		b = appendJSONString(b, f.ClinicianLabel)
	}
	if f.FollowUp != "" {
		b = append(b, `,"suggested_follow_up":`...)
		b = appendJSONString(b, f.FollowUp)
	}
	return append(b, '}')
}

func appendBand(b []byte, v *resultview.BandView) []byte {
	b = append(b, `{"score":`...)
	b = appendJSONString(b, v.Score)
	b = append(b, `,"id":`...)
	b = appendJSONString(b, v.ID)
	b = append(b, `,"label":`...)
	b = appendJSONString(b, v.Label)
	b = append(b, `,"meaning":`...)
	b = appendJSONString(b, v.Meaning)
	b = append(b, `,"next_steps":`...)
	b = appendStrings(b, v.NextSteps)
	return append(b, '}')
}

func appendLevel(b []byte, v *resultview.LevelView) []byte {
	b = append(b, `{"score":`...)
	b = appendJSONString(b, v.Score)
	b = append(b, `,"score_label":`...)
	b = appendJSONString(b, v.ScoreLabel)
	b = append(b, `,"value":`...)
	b = strconv.AppendInt(b, int64(v.Value), 10)
	b = append(b, `,"band":`...)
	b = appendJSONString(b, v.Band)
	b = append(b, `,"label":`...)
	b = appendJSONString(b, v.Label)
	b = append(b, `,"meaning":`...)
	b = appendJSONString(b, v.Meaning)
	b = append(b, `,"next_steps":`...)
	b = appendStrings(b, v.NextSteps)
	return append(b, '}')
}

func appendScore(b []byte, v *resultview.ScoreView) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, v.ID)
	b = append(b, `,"label":`...)
	b = appendJSONString(b, v.Label)
	b = append(b, `,"value":`...)
	b = strconv.AppendInt(b, int64(v.Value), 10)
	b = append(b, `,"min":`...)
	b = strconv.AppendInt(b, int64(v.Min), 10)
	b = append(b, `,"max":`...)
	b = strconv.AppendInt(b, int64(v.Max), 10)
	if v.Band != "" {
		b = append(b, `,"band":`...)
		b = appendJSONString(b, v.Band)
	}
	return append(b, '}')
}

func appendTold(b []byte, v *resultview.ToldView) []byte {
	b = append(b, `{"item":`...)
	b = appendJSONString(b, v.Item)
	b = append(b, `,"domain":`...)
	b = appendJSONString(b, v.Domain)
	b = append(b, `,"options":`...)
	b = appendStrings(b, v.Options)
	b = append(b, `,"text":`...)
	b = appendStrings(b, v.Text)
	return append(b, '}')
}

func appendAdvice(b []byte, v *resultview.AdviceView) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, v.ID)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, v.Title)
	b = append(b, `,"tips":`...)
	b = appendStrings(b, v.Tips)
	return append(b, '}')
}

func appendScale(b []byte, v *resultview.ScaleView) []byte {
	b = append(b, `{"score":`...)
	b = appendJSONString(b, v.Score)
	b = append(b, `,"text":`...)
	b = appendJSONString(b, v.Text)
	b = append(b, `,"value":`...)
	b = strconv.AppendInt(b, int64(v.Value), 10)
	b = append(b, `,"max":`...)
	b = strconv.AppendInt(b, int64(v.Max), 10)
	b = append(b, `,"bands":`...)
	b = appendList(b, v.Bands, appendScaleBand)
	return append(b, '}')
}

func appendScaleBand(b []byte, v *resultview.ScaleBandView) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, v.ID)
	b = append(b, `,"label":`...)
	b = appendJSONString(b, v.Label)
	b = append(b, `,"min":`...)
	b = strconv.AppendInt(b, int64(v.Min), 10)
	b = append(b, `,"max":`...)
	b = strconv.AppendInt(b, int64(v.Max), 10)
	if v.Current {
		b = append(b, `,"current":true`...)
	}
	return append(b, '}')
}

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
