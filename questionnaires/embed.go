// Package questionnaires embeds the shipped questionnaire definitions and the help resources
// file. They are data, not code: see docs/questionnaire-format.md.
package questionnaires

import "embed"

// FS holds every .yaml file of this folder.
//
//go:embed *.yaml
var FS embed.FS
