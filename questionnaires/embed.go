// Package questionnaires embeds the shipped questionnaire definitions, the help resources file
// and the site file (the name pages are branded with). They are data, not code: see docs/questionnaire-format.md. Each questionnaire keeps
// every released version in its own folder, <id>/<version>.yaml, so that stored results are
// always shown with the words they were answered under.
package questionnaires

import "embed"

// FS holds every .yaml file of this folder and the version folders of the shipped
// questionnaires. library/ (published instruments a clinic may choose to serve) is left out;
// a new questionnaire's folder is added here (a test checks every folder but library is).
//
//go:embed *.yaml ketamine-selfcheck
var FS embed.FS
