package interview

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/triagem/triagem"
)

// legalDeadline is one well-established legal time limit, with the law it
// comes from. The list is closed: data/deadlines.json, reviewed by hand;
// nothing outside it is ever warned about.
type legalDeadline struct {
	ID   string       `json:"id"`
	Area triagem.Area `json:"area"`
	// Subareas it applies to; none means every subarea of the area that
	// no other entry names.
	Subareas []triagem.Subarea `json:"subareas"`
	Text     string            `json:"text"`
	Source   string            `json:"source"`
}

//go:embed data/deadlines.json
var deadlinesJSON []byte

var legalDeadlines = mustDeadlines(deadlinesJSON)

// mustDeadlines parses the embedded list; a broken list is a build defect,
// caught by the package's tests, so it panics.
func mustDeadlines(b []byte) []legalDeadline {
	var out []legalDeadline
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("interview: data/deadlines.json: %v", err))
	}
	return out
}

// deadlineWarning is the legal time limit that applies to the subarea (or,
// failing one, to the area), with its source; "" when none does.
func deadlineWarning(area triagem.Area, subarea triagem.Subarea) string {
	var general *legalDeadline
	for i := range legalDeadlines {
		d := &legalDeadlines[i]
		if d.Area != area {
			continue
		}
		if len(d.Subareas) == 0 && general == nil {
			general = d
		}
		for _, s := range d.Subareas {
			if s == subarea {
				return d.warning()
			}
		}
	}
	if general != nil {
		return general.warning()
	}
	return ""
}

func (d *legalDeadline) warning() string {
	return d.Text + " (" + d.Source + ")"
}
