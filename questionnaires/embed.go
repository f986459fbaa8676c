// Package questionnaires embeds the shipped questionnaire definitions and the help resources
// file. They are data, not code: see docs/questionnaire-format.md. Each questionnaire keeps
// every released version in its own folder, <id>/<version>.yaml, so that stored results are
// always shown with the words they were answered under.
package questionnaires

import "embed"

// FS holds every .yaml file of this folder and the version files of its sub-folders.
//
//go:embed *.yaml */*.yaml
var FS embed.FS
